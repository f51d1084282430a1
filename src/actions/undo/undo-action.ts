import {progressLine} from '../../ui/messages.js';
import {outputWidth} from '../../ui/width.js';
import {DeclinedError, ExitCode, InterruptedError, UsageError, type ExitCodeValue} from '../../core/errors.js';
import {mayHaveWritten, type RunRecord} from '../../core/journal.js';
import {objectRef} from '../../core/types.js';
import {actionWord, counted} from '../../core/words.js';
import type {UndoResult} from '../../core/undo-plan.js';
import type {Kubeconfig} from '../../kube/kubeconfig.js';
import {prepareRunStore, type PruneOutcome, type RunStore, type StoreProblem} from '../../kube/run-store.js';
import {UNDO_NOT_ATTEMPTED, applyUndo} from './apply-undo.js';
import {runStoppable} from '../stop-signal.js';

export interface UndoRequest {
  /** Without one, the latest run that may have written something and was not undone. */
  runId?: string;
  dryRun: 'none' | 'client' | 'server';
  fieldManager: string;
  force: boolean;
  yes: boolean;
  /** --force-owned: restore objects another owner reverts or overwrites. */
  forceOwned?: boolean;
}

export interface UndoIo {
  note: (text: string) => void;
  canPrompt: boolean;
  confirm(message: string): Promise<boolean>;
  loadKubeconfig(): Promise<Kubeconfig>;
}

export interface UndoOutcome {
  result: UndoResult;
  /** SIGTERM/SIGINT arrived during the restores. */
  signal?: NodeJS.Signals;
  exitCode: ExitCodeValue;
}

/** Every readable run, and one line per file that is not (exit 2 once the rest is listed). */
export async function listRuns(store: RunStore): Promise<{records: RunRecord[]; problems: StoreProblem[]}> {
  await prepareRunStore();
  return store.list();
}

/** `undo --prune AGE`: the journals of runs older than AGE, deleted unless the store is a dry run's. */
export async function pruneRuns(store: RunStore, maxAgeMs: number, now: Date): Promise<PruneOutcome> {
  await prepareRunStore();
  return store.prune(new Date(now.getTime() - maxAgeMs));
}

/** What `undo --prune` says: how many journals it removed, or in a dry run would remove, and which. */
export function pruneNotes(outcome: Pick<PruneOutcome, 'files' | 'deleted'>, age: string): string[] {
  const head = `${actionWord('remove', !outcome.deleted)} ${counted(outcome.files.length, 'run journal')} older than ${age}`;
  return [outcome.files.length > 0 ? `${head}:` : head, ...outcome.files.map((file) => `  ${file}`)];
}

/** Picks the run, confirms, restores with the stop-signal guard, and marks the run undone when all of it was. */
export async function runUndo(store: RunStore, request: UndoRequest, io: UndoIo): Promise<UndoOutcome> {
  const {dryRun} = request;
  if (!io.canPrompt && !request.yes && dryRun === 'none')
    throw new UsageError('refusing to undo without confirmation: no terminal to ask on; pass --yes');
  await prepareRunStore();
  let record: RunRecord | undefined;
  if (request.runId) {
    record = store.load(request.runId);
  } else {
    const {records, problems} = store.list();
    // One unreadable file must not hide the runs that can be undone.
    for (const problem of problems) io.note(`warning: skipped ${problem.file}: ${problem.reason}`);
    record = records.find((r) => !r.undoneAt && mayHaveWritten(r));
  }
  if (!record) throw new UsageError(`no run to undo in ${store.dir} (see undo --list)`);
  if (record.undoneAt && !request.force)
    throw new UsageError(`run ${record.runId} was already undone at ${record.undoneAt}; --force undoes it again`);
  if (!mayHaveWritten(record)) throw new UsageError(`run ${record.runId} wrote nothing; nothing to undo`);

  const touched = record.entries.filter((e) => e.outcome !== 'failed' || e.mayBeAbsent);
  if (!request.yes && dryRun === 'none') {
    // One object per line, each fitted: a list run together wraps mid-word on a terminal.
    const width = outputWidth({stream: process.stderr});
    io.note(
      [
        `run ${record.runId} (${record.createdAt}) touched:`,
        ...touched.map((e) => `  ${progressLine('', objectRef(e), `${e.context}/${e.namespace}`, width - 2).trimStart()}`),
      ].join('\n'),
    );
    if (!(await io.confirm(`Restore ${touched.length} object${touched.length === 1 ? '' : 's'}?`))) throw new DeclinedError();
  }
  const kube = await io.loadKubeconfig();
  // A dry run's store refuses to open the journal for writing; it is not even asked.
  const journal = dryRun === 'none' ? store.reopen(record) : undefined;
  try {
    const {value: result, signal} = await runStoppable('write', io.note, (stopRequested) =>
      applyUndo(record, (context) => kube.cluster(context), {
        dryRun,
        fieldManager: request.fieldManager,
        force: request.force,
        forceOwned: request.forceOwned,
        ...(io.canPrompt && !request.yes && dryRun === 'none'
          ? {confirmOwned: (owned: string[]) => io.confirm(`${owned.join('; ')}: restore anyway?`)}
          : {}),
        journal,
        onProgress: io.note,
        stopRequested,
      }),
    );
    // An interrupted or partial undo is not done: the run stays undoable so a rerun finishes it.
    if (journal && result.summary.failed === 0 && !signal) journal.markUndone();
    const {restored, failed} = result.summary;
    const exitCode = failed === 0 ? ExitCode.ok : restored > 0 ? ExitCode.partial : ExitCode.cluster;
    return signal ? {result, signal, exitCode} : {result, exitCode};
  } finally {
    journal?.close();
  }
}

/** The error an interrupted undo ends with, after everything was reported. */
export function interruptedUndo(result: UndoResult, signal: NodeJS.Signals): InterruptedError {
  const left = result.objects.filter((o) => o.reason === UNDO_NOT_ATTEMPTED).length;
  return new InterruptedError(
    `interrupted (${signal}): ${result.summary.restored} restored, ${left} not attempted; run the same command again to finish`,
  );
}
