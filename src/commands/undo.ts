import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {authFlags, kubeFlags, outputFlags, outputFormatFlag, parseDuration, writeFlags} from '../cli/flags.js';
import {interruptedUndo, listRuns, pruneRuns, runUndo} from '../actions/undo/undo-action.js';
import {summarizeRuns} from '../core/contracts/run-list.js';
import {RunStore} from '../kube/run-store.js';
import {exitCodesHelp, ExitCode, UsageError} from '../core/errors.js';
import {renderDocument} from '../ui/output.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import {renderRunList, renderUndoResult} from '../ui/render-sync.js';
import {isTableOutput, tableWidth} from '../ui/width.js';

export default class Undo extends BaseCommand {
  static override summary = 'Restore what a sync or fanout run changed, from its journal.';

  static override description = `Before each write, sync and fanout record the object as it was and the intended write in the run's journal, flushed to disk (in $XDG_STATE_HOME/kubectl-configsync/runs, or ~/.local/state/kubectl-configsync/runs; files are readable by you only). undo puts every object the run touched back: updated objects get their old data, labels and annotations; objects the run created are deleted; objects it deleted are created again.

undo decides from what each object holds now, not from what the run reported, so it works after a crash or a kill at any point. An object that holds neither what it held before the run nor what the run left was changed by someone else: it is refused unless --force, so a later edit is never lost silently. Runs can be undone newest first, one after another. Without RUN_ID, the most recent run that wrote something and was not undone.

Journals hold Secret values: --prune AGE deletes those of runs older than AGE (e.g. 30d, 12h).

${exitCodesHelp([0, 2, 3, 4, 5, 130], {0: 'restored (or nothing to restore)'})}`;

  static override examples = [
    {description: 'Recent runs', command: 'kubectl configsync undo --list'},
    {description: 'Undo the latest sync', command: 'kubectl configsync undo'},
    {description: 'Undo one run in a script', command: 'kubectl configsync undo 20250101-120000-a1b2c3 --yes'},
    {description: 'Delete the journals of runs older than 30 days', command: 'kubectl configsync undo --prune 30d'},
  ];

  static override args = {
    // Shown as RUN_ID, the name the description and errors use.
    run_id: Args.string({description: 'run id printed by sync or fanout (see --list)'}),
  };

  static override flags = {
    kubeconfig: kubeFlags.kubeconfig,
    'request-timeout': kubeFlags['request-timeout'],
    ...authFlags,
    ...writeFlags,
    list: Flags.boolean({description: 'list recorded runs'}),
    prune: Flags.string({description: 'delete the journals of runs older than this age (e.g. 30d, 12h)', helpValue: 'AGE'}),
    force: Flags.boolean({description: 'restore objects even if they changed after the sync, and undo a run again'}),
    output: outputFormatFlag(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Undo);
    const store = RunStore.default();
    const theme = this.themeFor(flags['no-color']);
    if (flags.list || flags.prune !== undefined) {
      if (args.run_id) throw new UsageError(`${flags.list ? '--list' : '--prune'} takes no RUN_ID`);
      const {records, problems, removed} = flags.list
        ? {...(await listRuns(store)), removed: undefined}
        : await this.prune(store, flags.prune!);
      if (removed) this.note(`removed ${removed.length} run journal${removed.length === 1 ? '' : 's'} older than ${flags.prune}`);
      else
        this.print(
          isTableOutput(flags.output)
            ? renderRunList(records, theme, tableWidth(flags.output))
            : renderDocument(summarizeRuns(records), flags.output),
        );
      // Every readable run is listed; each unreadable file is one line, and the exit code says so.
      for (const problem of problems) this.note(`error: ${problem.file}: ${problem.reason}`);
      if (problems.length > 0) this.setExitCode(ExitCode.usage);
      return;
    }
    const note = (text: string) => this.note(text);
    const request = {
      runId: args.run_id,
      dryRun: flags['dry-run'],
      fieldManager: flags['field-manager'],
      force: flags.force,
      yes: flags.yes,
      forceOwned: flags['force-owned'],
    };
    const {result, signal, exitCode} = await runUndo(store, request, {
      note,
      canPrompt: canPrompt(),
      confirm: (m) => promptConfirm(m),
      loadKubeconfig: () => this.loadKubeconfig(flags),
    });
    this.print(
      isTableOutput(flags.output) ? renderUndoResult(result, theme, tableWidth(flags.output)) : renderDocument(result, flags.output),
    );
    for (const object of result.objects) if (object.error) note(`error: ${object.error}`);
    this.setExitCode(exitCode);
    if (signal) throw interruptedUndo(result, signal);
  }

  private async prune(store: RunStore, age: string) {
    let maxAgeMs: number;
    try {
      // Ages are usually days: 30d; anything kubectl's durations accept works too.
      const days = /^(\d+)d$/.exec(age.trim());
      maxAgeMs = days ? Number(days[1]) * 86_400_000 : parseDuration(age);
    } catch (error) {
      throw new UsageError(`--prune: ${(error as Error).message}`);
    }
    const {removed, problems} = await pruneRuns(store, maxAgeMs, new Date());
    return {records: [], removed, problems};
  }
}
