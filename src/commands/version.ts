import {BaseCommand} from '../cli/base-command.js';
import {runVersionCommand} from './version-run.js';

export default class Version extends BaseCommand {
  static override summary = 'Print the version (the same as --version).';

  static override examples = [{description: 'The version, platform and Node.js version', command: 'kubectl configsync version'}];

  async run(): Promise<void> {
    await this.runWith(Version, runVersionCommand);
  }
}
