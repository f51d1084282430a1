import {Args, Flags} from '@oclif/core';
import {BackupStore} from '../cli/backup-store.js';
import {BaseCommand} from '../cli/base-command.js';
import {authFlags, kubeFlags, outputFlags, writeFlags} from '../cli/flags.js';
import {interruptedUndo, runUndo, summarizeRuns} from '../cli/undo-action.js';
import {EXIT_CODES_HELP} from '../core/errors.js';
import {renderDocument} from '../ui/output.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import {renderBackupList, renderUndoResult} from '../ui/render-sync.js';

export default class Undo extends BaseCommand {
  static override summary = 'Restore the objects a sync run changed, from its backup.';

  static override description = `Each sync saves the target objects as they were before writing (in $XDG_STATE_HOME/kubectl-configsync/runs, or ~/.local/state/kubectl-configsync/runs; files are readable by you only). undo puts them back: updated objects get their old data, labels and annotations; objects the sync created are deleted.

Every restore is conditional: an object changed after the sync is refused unless --force, so a later edit is never lost silently. Without RUN_ID, the most recent run that wrote something and was not undone.

${EXIT_CODES_HELP}`;

  static override examples = [
    {description: 'Recent runs', command: 'kubectl configsync undo --list'},
    {description: 'Undo the latest sync', command: 'kubectl configsync undo'},
    {description: 'Undo one run in a script', command: 'kubectl configsync undo 20250101-120000-a1b2c3 --yes'},
  ];

  static override args = {
    runId: Args.string({description: 'run id printed by sync (see --list)'}),
  };

  static override flags = {
    kubeconfig: kubeFlags.kubeconfig,
    'request-timeout': kubeFlags['request-timeout'],
    ...authFlags,
    ...writeFlags,
    list: Flags.boolean({description: 'list recent sync runs'}),
    force: Flags.boolean({description: 'restore objects even if they changed after the sync, and undo a run again'}),
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format'})(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Undo);
    const store = BackupStore.default();
    const theme = this.themeFor(flags['no-color']);
    if (flags.list) {
      const records = store.list();
      this.print(flags.output === 'table' ? renderBackupList(records, theme) : renderDocument(summarizeRuns(records), flags.output));
      return;
    }
    const note = (text: string) => this.note(text);
    const request = {runId: args.runId, dryRun: flags['dry-run'], fieldManager: flags['field-manager'], force: flags.force, yes: flags.yes};
    const {result, signal, exitCode} = await runUndo(store, request, {note, canPrompt: canPrompt(), confirm: (m) => promptConfirm(m), loadKubeconfig: () => this.loadKubeconfig(flags)});
    this.print(flags.output === 'table' ? renderUndoResult(result, theme) : renderDocument(result, flags.output));
    for (const object of result.objects) if (object.error) note(`error: ${object.error}`);
    this.setExitCode(exitCode);
    if (signal) throw interruptedUndo(result, signal);
  }
}
