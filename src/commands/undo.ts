import {Args, Flags} from '@oclif/core';
import {applyUndo} from '../cli/apply-sync.js';
import {BackupStore} from '../cli/backup-store.js';
import {BaseCommand} from '../cli/base-command.js';
import {kubeFlags, outputFlags, writeFlags} from '../cli/flags.js';
import {DeclinedError, EXIT_CODES_HELP, ExitCode, UsageError} from '../core/errors.js';
import {locationName, objectRef} from '../core/types.js';
import {renderDocument} from '../ui/output.js';
import {renderBackupList, renderUndoResult} from '../ui/render-sync.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';

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
    ...writeFlags,
    list: Flags.boolean({description: 'list recent sync runs'}),
    force: Flags.boolean({description: 'restore objects even if they changed after the sync, and undo a run again'}),
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format'})(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Undo);
    const store = BackupStore.default();
    if (flags.list) {
      const records = store.list();
      // The list shows names only; backups hold values and are never printed.
      const summary = records.map((r) => ({
        runId: r.runId,
        createdAt: r.createdAt,
        source: r.source,
        target: r.target,
        objects: r.entries.map((e) => ({kind: e.kind, name: e.name, action: e.action, outcome: e.outcome, keys: e.keys})),
        ...(r.undoneAt ? {undoneAt: r.undoneAt} : {}),
      }));
      this.print(flags.output === 'table' ? renderBackupList(records, this.themeFor(flags['no-color'])) : renderDocument(summary, flags.output));
      return;
    }
    const dryRun = flags['dry-run'];
    if (!canPrompt() && !flags.yes && dryRun === 'none') throw new UsageError('refusing to undo without confirmation: no terminal to ask on; pass --yes');
    const record = args.runId ? store.load(args.runId) : store.latestUndoable();
    if (!record) throw new UsageError(`no sync run to undo in ${store.dir} (see undo --list)`);
    if (record.undoneAt && !flags.force) throw new UsageError(`run ${record.runId} was already undone at ${record.undoneAt}; --force undoes it again`);
    const written = record.entries.filter((e) => e.outcome === 'written');
    if (written.length === 0) throw new UsageError(`run ${record.runId} wrote nothing; nothing to undo`);

    if (!flags.yes && dryRun === 'none') {
      this.note(`run ${record.runId} (${record.createdAt}) wrote ${written.map((e) => objectRef(e)).join(', ')} in ${locationName(record.target)}`);
      if (!(await promptConfirm(`Restore ${written.length} object${written.length > 1 ? 's' : ''} in ${locationName(record.target)}?`))) throw new DeclinedError();
    }
    const kube = await this.loadKubeconfig(flags);
    const result = await applyUndo(record, kube.cluster(record.target.context), {
      dryRun,
      fieldManager: flags['field-manager'],
      force: flags.force,
      onProgress: (t) => this.note(t),
    });
    if (dryRun === 'none' && result.summary.failed === 0) store.save({...record, undoneAt: new Date().toISOString()});
    this.print(flags.output === 'table' ? renderUndoResult(result, this.themeFor(flags['no-color'])) : renderDocument(result, flags.output));
    for (const object of result.objects) if (object.error) this.note(`error: ${object.error}`);
    const {restored, failed} = result.summary;
    this.setExitCode(failed === 0 ? ExitCode.ok : restored > 0 ? ExitCode.partial : ExitCode.cluster);
  }
}
