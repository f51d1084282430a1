import {progressLine} from '../../ui/messages.js';
import {outputWidth} from '../../ui/width.js';
import type {ClusterApi} from '../../core/cluster-api.js';
import {DIFF_API_VERSION} from '../../core/diff.js';
import type {ObjectOutcome, ObjectResult, SyncResult, SyncResultSummary} from '../../core/contracts/sync-result.js';
import {ConflictError, messageOf} from '../../core/errors.js';
import {isWritable, type PlannedWrite, type SyncAction, type SyncPlan} from '../../core/sync-plan.js';
import {objectRef, type ConfigKind, type ConfigObject} from '../../core/types.js';
import {JournalError, type RunJournal, type RunStore} from '../../kube/run-store.js';
import {admitOwnedTargets, WritePath} from '../../kube/write-path.js';

export interface ApplyOptions {
  dryRun: 'none' | 'server';
  fieldManager: string;
  /** --force-owned (or yes at the prompt that named the owners). */
  forceOwned?: boolean;
  runId: string;
  /** Where the run journal is kept (the backup undo restores from); not used for server dry runs. */
  store?: RunStore;
  now: Date;
  /** Objects refused before planning (e.g. a stale saved plan): reported as failed. */
  refused?: Array<{kind: ConfigKind; name: string; reason: string}>;
  onProgress?: (text: string) => void;
  /** Checked before each write (SIGTERM, Ctrl-C): true stops the batch; the rest is reported as not attempted. */
  stopRequested?: () => boolean;
}

export const NOT_ATTEMPTED = 'not attempted: interrupted before it was written';

/**
 * Writes a plan through the cluster seam: backup first, then one conditional
 * write per object; one object failing does not stop the others.
 */
export async function applySync(plan: SyncPlan, writes: PlannedWrite[], cluster: ClusterApi, options: ApplyOptions): Promise<SyncResult> {
  const results = new Map<string, ObjectResult>();
  for (const object of plan.objects) {
    const base = {
      kind: object.kind,
      name: object.name,
      action: object.action,
      keys: object.keys,
      changedKeys: [] as string[],
      ...(object.owner ? {owner: object.owner} : {}),
    };
    if (object.problems.length > 0) results.set(objectRef(object), {...base, outcome: 'failed', error: object.problems.join('; ')});
    else if (object.action === 'unchanged')
      results.set(objectRef(object), {...base, outcome: 'unchanged', ...(object.reason ? {reason: object.reason} : {})});
    else if (object.action === 'skipped') results.set(objectRef(object), {...base, outcome: 'skipped', reason: object.reason});
  }
  for (const refused of options.refused ?? []) {
    results.set(objectRef(refused), {
      kind: refused.kind,
      name: refused.name,
      action: 'skipped',
      outcome: 'failed',
      keys: [],
      changedKeys: [],
      error: refused.reason,
      conflict: true,
    });
  }

  const todo = writes.filter((w) => isWritable(w.object));
  // Before the journal and the first write: a target another owner would undo stops the whole run.
  admitOwnedTargets(
    todo.map((w) => ({object: w.before, where: `${objectRef(w.object)} in ${plan.target.context}/${plan.target.namespace}`})),
    options.forceOwned,
  );
  // The journal must be on disk before anything is written; if it cannot be, nothing is.
  const journal: RunJournal | undefined =
    options.dryRun === 'none' && todo.length > 0
      ? options.store!.create({
          runId: options.runId,
          createdAt: options.now.toISOString(),
          command: 'sync',
          source: {context: plan.source.context, namespace: plan.source.namespace},
          target: {context: plan.target.context, namespace: plan.target.namespace},
        })
      : undefined;
  const writer = new WritePath({
    mode: options.dryRun,
    fieldManager: options.fieldManager,
    journal,
    runId: options.runId,
    forceOwned: options.forceOwned,
  });
  let journalBroken: string | undefined;

  try {
    for (const write of todo) {
      const {object} = write;
      const base = {
        kind: object.kind,
        name: object.name,
        action: object.action,
        keys: object.keys,
        ...(object.owner ? {owner: object.owner} : {}),
      };
      const stopped = options.stopRequested?.()
        ? NOT_ATTEMPTED
        : journalBroken
          ? `not attempted: ${journalBroken}; nothing more was written`
          : undefined;
      if (stopped) {
        results.set(objectRef(object), {...base, outcome: 'skipped', changedKeys: [], reason: stopped});
        continue;
      }
      options.onProgress?.(
        progressLine(
          verbOf(object.action, options.dryRun),
          objectRef(object),
          `${plan.target.context}/${plan.target.namespace}`,
          outputWidth({stream: process.stderr}),
        ),
      );
      try {
        const written = await writeOne(write, cluster, writer);
        results.set(objectRef(object), {
          ...base,
          outcome: 'written',
          changedKeys: object.keys.map((k) => k.key),
          resourceVersion: written?.resourceVersion,
        });
      } catch (error) {
        if (error instanceof JournalError) journalBroken = error.message;
        const message = messageOf(error);
        results.set(objectRef(object), {
          ...base,
          outcome: 'failed',
          changedKeys: [],
          error: message,
          ...(error instanceof ConflictError ? {conflict: true} : {}),
        });
      }
    }
  } finally {
    journal?.close();
  }

  const refusedRefs = new Set((options.refused ?? []).map((r) => objectRef(r)));
  const objects = [...plan.objects.filter((o) => !refusedRefs.has(objectRef(o))), ...(options.refused ?? [])]
    .map((o) => results.get(objectRef(o))!)
    .sort((a, b) => objectRef(a).localeCompare(objectRef(b)));
  return {
    apiVersion: DIFF_API_VERSION,
    kind: 'SyncResult',
    ...(journal ? {runId: options.runId} : {}),
    dryRun: options.dryRun,
    source: plan.source,
    target: plan.target,
    summary: summarizeResults(objects),
    objects,
  };
}

async function writeOne(write: PlannedWrite, cluster: ClusterApi, writer: WritePath): Promise<ConfigObject | undefined> {
  const {desired, before, object} = write;
  const keys = object.keys.map((k) => k.key);
  if (object.action === 'create') return writer.create(cluster, desired, keys);
  if (object.action === 'update') return writer.update(cluster, before!, desired, keys);
  return writer.recreate(cluster, before!, desired, keys);
}

function verbOf(action: SyncAction, dryRun: 'none' | 'server'): string {
  const verb = action === 'create' ? 'creating' : action === 'recreate' ? 'recreating' : 'updating';
  return dryRun === 'server' ? `${verb} (server dry run)` : verb;
}

export function summarizeResults(objects: Array<{outcome: ObjectOutcome}>): SyncResultSummary {
  const summary: SyncResultSummary = {written: 0, unchanged: 0, skipped: 0, failed: 0};
  for (const object of objects) summary[object.outcome]++;
  return summary;
}
