import {DeclinedError, ExitCode, InterruptedError, UsageError, type ExitCodeValue} from '../core/errors.js';
import {locationName, objectRef} from '../core/types.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import {UNDO_NOT_ATTEMPTED, applyUndo, type UndoResult} from './apply-sync.js';
import type {BackupRecord, BackupStore} from './backup-store.js';
import {runStoppable} from './stop-signal.js';

export interface UndoRequest {
  /** Without one, the latest run that wrote something and was not undone. */
  runId?: string;
  dryRun: 'none' | 'client' | 'server';
  fieldManager: string;
  force: boolean;
  yes: boolean;
}

export interface UndoIo {
  note(text: string): void;
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

/** What `undo --list` shows: names only, since backups hold values and are never printed. */
export function summarizeRuns(records: BackupRecord[]) {
  return records.map((r) => ({
    runId: r.runId,
    createdAt: r.createdAt,
    source: r.source,
    target: r.target,
    objects: r.entries.map((e) => ({kind: e.kind, name: e.name, action: e.action, outcome: e.outcome, keys: e.keys})),
    ...(r.undoneAt ? {undoneAt: r.undoneAt} : {}),
  }));
}

/** Picks the run, confirms, restores with the stop-signal guard, and marks the run undone when all of it was. */
export async function runUndo(store: BackupStore, request: UndoRequest, io: UndoIo): Promise<UndoOutcome> {
  const {dryRun} = request;
  if (!io.canPrompt && !request.yes && dryRun === 'none') throw new UsageError('refusing to undo without confirmation: no terminal to ask on; pass --yes');
  const record = request.runId ? store.load(request.runId) : store.latestUndoable();
  if (!record) throw new UsageError(`no sync run to undo in ${store.dir} (see undo --list)`);
  if (record.undoneAt && !request.force) throw new UsageError(`run ${record.runId} was already undone at ${record.undoneAt}; --force undoes it again`);
  const written = record.entries.filter((e) => e.outcome === 'written');
  if (written.length === 0) throw new UsageError(`run ${record.runId} wrote nothing; nothing to undo`);

  if (!request.yes && dryRun === 'none') {
    io.note(`run ${record.runId} (${record.createdAt}) wrote ${written.map((e) => objectRef(e)).join(', ')} in ${locationName(record.target)}`);
    if (!(await io.confirm(`Restore ${written.length} object${written.length > 1 ? 's' : ''} in ${locationName(record.target)}?`))) throw new DeclinedError();
  }
  const kube = await io.loadKubeconfig();
  const {value: result, signal} = await runStoppable('write', io.note, (stopRequested) =>
    applyUndo(record, kube.cluster(record.target.context), {dryRun, fieldManager: request.fieldManager, force: request.force, onProgress: io.note, stopRequested}),
  );
  // An interrupted undo is not done: the run stays undoable so a rerun finishes it.
  if (dryRun === 'none' && result.summary.failed === 0 && !signal) store.save({...record, undoneAt: new Date().toISOString()});
  const {restored, failed} = result.summary;
  const exitCode = failed === 0 ? ExitCode.ok : restored > 0 ? ExitCode.partial : ExitCode.cluster;
  return signal ? {result, signal, exitCode} : {result, exitCode};
}

/** The error an interrupted undo ends with, after everything was reported. */
export function interruptedUndo(result: UndoResult, signal: NodeJS.Signals): InterruptedError {
  const left = result.objects.filter((o) => o.reason === UNDO_NOT_ATTEMPTED).length;
  return new InterruptedError(`interrupted (${signal}): ${result.summary.restored} restored, ${left} not attempted; run the same command again to finish`);
}
