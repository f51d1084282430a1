import type {Owner} from './owners.js';
import type {RunEntry} from './journal.js';
import {needsRecreate, sameContent} from './object-content.js';
import type {ConfigKind, ConfigObject} from './types.js';

/** What undo does to one object, decided from the live object and the journal alone. */
export type UndoStep =
  {step: 'skip'; reason: string} | {step: 'refuse'; reason: string} | {step: 'delete' | 'create' | 'patch' | 'recreate'};

/**
 * Compares content, never resourceVersions: the object is restored when it holds what the run
 * (or an interrupted undo of it) left, or is absent where the run deleted it; it is left alone
 * when it already holds what it held before the run; anything else is someone else's change,
 * refused unless forced. This is what makes undo work after a crash at any point (a write sent
 * with no answer is judged by what the server holds) and lets runs be undone newest first.
 */
export function decideUndo(entry: RunEntry, live: ConfigObject | undefined, force: boolean): UndoStep {
  const original = entry.before;
  const asBefore = original ? live !== undefined && sameContent(live, original) : live === undefined;
  if (asBefore)
    return {step: 'skip', reason: entry.outcome === 'failed' ? 'not changed: the server refused the write' : 'already as before the run'};
  if (entry.outcome === 'failed' && !entry.mayBeAbsent)
    return {step: 'skip', reason: 'not changed by the run: the server refused the write'};
  const leftByRun = live ? entry.afters.some((after) => sameContent(live, after)) : entry.mayBeAbsent;
  if (!leftByRun && !force) {
    return {
      step: 'refuse',
      reason: live
        ? `changed after the run by someone else; --force restores it anyway`
        : `deleted after the run by someone else; --force creates it again from the journal`,
    };
  }
  if (!original) return {step: 'delete'};
  if (!live) return {step: 'create'};
  return {step: needsRecreate(live, original) ? 'recreate' : 'patch'};
}

export type UndoOutcome = 'restored' | 'would-restore' | 'skipped' | 'failed';

export interface UndoObjectResult {
  context: string;
  namespace: string;
  kind: ConfigKind;
  name: string;
  /** What undo does or would do: delete what the run created, create what it deleted, patch or recreate the rest. */
  action: 'delete' | 'create' | 'patch' | 'recreate' | 'none';
  outcome: UndoOutcome;
  reason?: string;
  error?: string;
  /** Who else owns the object as it is now. */
  owner?: Owner;
}

export interface UndoResult {
  apiVersion: 'configsync.kubectl.dev/v1alpha1';
  kind: 'UndoResult';
  runId: string;
  dryRun: 'none' | 'client' | 'server';
  summary: Record<UndoOutcome, number>;
  objects: UndoObjectResult[];
}

export function summarizeUndo(objects: UndoObjectResult[]): Record<UndoOutcome, number> {
  const summary: Record<UndoOutcome, number> = {restored: 0, 'would-restore': 0, skipped: 0, failed: 0};
  for (const object of objects) summary[object.outcome]++;
  return summary;
}
