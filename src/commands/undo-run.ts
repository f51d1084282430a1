// The body of `undo` (its flags and help: undo.ts).
import type {RunOf} from '../cli/command-io.js';
import {interruptedUndo, listRuns, pruneNotes, pruneRuns, runUndo} from '../actions/undo/undo-action.js';
import {summarizeRuns} from '../core/contracts/run-list.js';
import {parseKubectlDuration} from '../core/duration.js';
import {ExitCode, UsageError} from '../core/errors.js';
import {RunStore} from '../kube/run-store.js';
import {renderDocument} from '../ui/output.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import {renderRunList, renderUndoResult} from '../ui/render-sync.js';
import {isTableOutput, tableWidth} from '../ui/width.js';
import type Undo from './undo.js';

export const runUndoCommand: RunOf<typeof Undo> = async ({args, flags}, io) => {
  const store = RunStore.default(flags['dry-run']);
  const theme = io.themeFor(flags['no-color']);
  if (flags.list || flags.prune !== undefined) {
    if (args.run_id) throw new UsageError(`${flags.list ? '--list' : '--prune'} takes no RUN_ID`);
    const {records, problems, pruned} = flags.list
      ? {...(await listRuns(store)), pruned: undefined}
      : await pruneOlderThan(store, flags.prune!);
    if (pruned) for (const line of pruneNotes(pruned, flags.prune!)) io.note(line);
    else
      io.print(
        isTableOutput(flags.output)
          ? renderRunList(records, theme, tableWidth(flags.output))
          : renderDocument(summarizeRuns(records), flags.output),
      );
    // Every readable run is listed; each unreadable file is one line, and the exit code says so.
    for (const problem of problems) io.note(`error: ${problem.file}: ${problem.reason}`);
    if (problems.length > 0) io.setExitCode(ExitCode.usage);
    return;
  }
  const note = (text: string) => io.note(text);
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
    loadKubeconfig: () => io.loadKubeconfig(flags),
  });
  io.print(isTableOutput(flags.output) ? renderUndoResult(result, theme, tableWidth(flags.output)) : renderDocument(result, flags.output));
  for (const object of result.objects) if (object.error) note(`error: ${object.error}`);
  io.setExitCode(exitCode);
  if (signal) throw interruptedUndo(result, signal);
};

async function pruneOlderThan(store: RunStore, age: string) {
  let maxAgeMs: number;
  try {
    // Ages are usually days: 30d; anything kubectl's durations accept works too.
    const days = /^(\d+)d$/.exec(age.trim());
    maxAgeMs = days ? Number(days[1]) * 86_400_000 : parseKubectlDuration(age);
  } catch (error) {
    throw new UsageError(`--prune: ${(error as Error).message}`);
  }
  const {problems, ...pruned} = await pruneRuns(store, maxAgeMs, new Date());
  return {records: [], pruned, problems};
}
