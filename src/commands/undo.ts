import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {authFlags, kubeFlags, outputFlags, outputFormatFlag, writeFlags} from '../cli/flags.js';
import {exitCodesHelp} from '../core/errors.js';
import {runUndoCommand} from './undo-run.js';

export default class Undo extends BaseCommand {
  static override summary = 'Restore what a sync or fanout run changed, from its journal.';

  static override description = `Before each write, sync and fanout record the object as it was and the intended write in the run's journal, flushed to disk (in $XDG_STATE_HOME/kubectl-configsync/runs, or ~/.local/state/kubectl-configsync/runs; files are readable by you only). undo puts every object the run touched back: updated objects get their old data, labels and annotations; objects the run created are deleted; objects it deleted are created again.

undo decides from what each object holds now, not from what the run reported, so it works after a crash or a kill at any point. An object that holds neither what it held before the run nor what the run left was changed by someone else: it is refused unless --force, so a later edit is never lost silently. Runs can be undone newest first, one after another. Without RUN_ID, the most recent run that wrote something and was not undone.

Journals hold Secret values: --prune AGE deletes those of runs older than AGE (e.g. 30d, 12h).

${exitCodesHelp([0, 2, 3, 4, 5, 130], {
  0: 'restored (or nothing to restore)',
  2: 'usage error: bad flag, run id or age',
  3: 'cluster or API error: unreachable, forbidden, conflict',
  4: 'partial failure: some objects were not restored (see the report)',
})}`;

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
    await this.runWith(Undo, runUndoCommand);
  }
}
