import {BaseCommand} from '../cli/base-command.js';

export default class Version extends BaseCommand {
  static override summary = 'Print the version (the same as --version).';

  static override examples = [{description: 'The version, platform and Node.js version', command: 'kubectl configsync version'}];

  async run(): Promise<void> {
    await this.parse(Version);
    // oclif's user agent: kubectl-configsync/VERSION PLATFORM-ARCH node-NODEVERSION, as --version prints it.
    this.print(this.config.userAgent);
  }
}
