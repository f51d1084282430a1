import {Args} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {SHELLS} from '../cli/completion-scripts.js';
import {exitCodesHelp} from '../core/errors.js';
import {runCompletionCommand} from './completion-run.js';

export default class Completion extends BaseCommand {
  static override summary = 'Print a completion script for bash, zsh or fish.';

  static override description = `Completes commands, flags, --context names from the kubeconfig, namespaces of the selected context (asked with a short timeout) and configmap/NAME, secret/NAME.

kubectl 1.26 and later complete "kubectl configsync …" through an executable named kubectl_complete-configsync on the PATH; "completion kubectl" prints it. The npm package installs it already.

${exitCodesHelp([0, 2], {0: 'printed', 2: 'usage error: unknown shell'})}`;

  static override examples = [
    {description: 'bash, for this shell', command: '$ source <(kubectl configsync completion bash)'},
    {description: 'zsh, for this shell (after compinit)', command: '$ source <(kubectl configsync completion zsh)'},
    {description: 'fish, for this shell', command: 'kubectl configsync completion fish | source'},
    {
      description: 'kubectl plugin completion, for a binary install',
      command:
        'kubectl configsync completion kubectl > ~/.local/bin/kubectl_complete-configsync && chmod +x ~/.local/bin/kubectl_complete-configsync',
    },
  ];

  static override args = {
    shell: Args.string({
      description: 'bash, zsh, fish, or kubectl (the plugin completion helper)',
      required: true,
      options: [...SHELLS, 'kubectl'],
    }),
  };

  async run(): Promise<void> {
    await this.runWith(Completion, runCompletionCommand);
  }
}
