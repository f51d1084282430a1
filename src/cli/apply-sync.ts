import type {ClusterApi} from '../core/cluster-api.js';
import {DIFF_API_VERSION} from '../core/diff.js';
import {ConfigSyncError, ConflictError} from '../core/errors.js';
import {isWritable, type KeyChange, type PlannedWrite, type SyncAction, type SyncPlan} from '../core/sync-plan.js';
import {objectRef, type ConfigKind, type ConfigObject, type Location} from '../core/types.js';
import type {BackupEntry, BackupRecord, BackupStore} from './backup-store.js';

export type ObjectOutcome = 'written' | 'unchanged' | 'skipped' | 'failed';

export interface ObjectResult {
  kind: ConfigKind;
  name: string;
  action: SyncAction;
  outcome: ObjectOutcome;
  /** Masked unless --show-secrets. */
  keys: KeyChange[];
  /** Names of the keys whose values actually changed on the server (empty unless written). */
  changedKeys: string[];
  resourceVersion?: string;
  reason?: string;
  error?: string;
  /** The target moved after it was read (HTTP 409 or a stale saved plan). */
  conflict?: boolean;
}

export interface SyncResultSummary {
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export interface SyncResult {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'SyncResult';
  runId?: string;
  dryRun: 'none' | 'server';
  source: Location;
  target: Location;
  summary: SyncResultSummary;
  objects: ObjectResult[];
}

export interface ApplyOptions {
  dryRun: 'none' | 'server';
  fieldManager: string;
  runId: string;
  /** Where the targets are saved before the first write; not used for server dry runs. */
  backup?: BackupStore;
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
    const base = {kind: object.kind, name: object.name, action: object.action, keys: object.keys, changedKeys: [] as string[]};
    if (object.problems.length > 0) results.set(objectRef(object), {...base, outcome: 'failed', error: object.problems.join('; ')});
    else if (object.action === 'unchanged') results.set(objectRef(object), {...base, outcome: 'unchanged', ...(object.reason ? {reason: object.reason} : {})});
    else if (object.action === 'skipped') results.set(objectRef(object), {...base, outcome: 'skipped', reason: object.reason});
  }
  for (const refused of options.refused ?? []) {
    results.set(objectRef(refused), {kind: refused.kind, name: refused.name, action: 'skipped', outcome: 'failed', keys: [], changedKeys: [], error: refused.reason, conflict: true});
  }

  const todo = writes.filter((w) => isWritable(w.object));
  const record: BackupRecord | undefined =
    options.dryRun === 'none' && options.backup && todo.length > 0
      ? {
          apiVersion: DIFF_API_VERSION,
          kind: 'SyncBackup',
          runId: options.runId,
          createdAt: options.now.toISOString(),
          source: plan.source,
          target: plan.target,
          entries: todo.map((w) => ({
            kind: w.object.kind,
            name: w.object.name,
            action: w.object.action as BackupEntry['action'],
            ...(w.before ? {before: w.before} : {}),
            outcome: 'pending',
            keys: w.object.keys.map((k) => k.key),
          })),
        }
      : undefined;
  // The backup must exist before anything is written; if it cannot be saved, nothing is.
  if (record) options.backup!.save(record);

  for (const [index, write] of todo.entries()) {
    const {object} = write;
    const base = {kind: object.kind, name: object.name, action: object.action, keys: object.keys};
    if (options.stopRequested?.()) {
      results.set(objectRef(object), {...base, outcome: 'skipped', changedKeys: [], reason: NOT_ATTEMPTED});
      if (record) {
        record.entries[index] = {...record.entries[index], outcome: 'failed', error: NOT_ATTEMPTED};
        options.backup!.save(record);
      }
      continue;
    }
    options.onProgress?.(`${verbOf(object.action, options.dryRun)} ${objectRef(object)} in ${plan.target.context}/${plan.target.namespace}`);
    try {
      const written = await writeOne(write, cluster, options);
      results.set(objectRef(object), {...base, outcome: 'written', changedKeys: object.keys.map((k) => k.key), resourceVersion: written?.resourceVersion});
      if (record) record.entries[index] = {...record.entries[index], outcome: 'written', ...(written ? {after: written} : {})};
    } catch (error) {
      const message = messageOf(error);
      results.set(objectRef(object), {...base, outcome: 'failed', changedKeys: [], error: message, ...(error instanceof ConflictError ? {conflict: true} : {})});
      if (record) record.entries[index] = {...record.entries[index], outcome: 'failed', error: message};
    }
    if (record) options.backup!.save(record);
  }

  const refusedRefs = new Set((options.refused ?? []).map((r) => objectRef(r)));
  const objects = [...plan.objects.filter((o) => !refusedRefs.has(objectRef(o))), ...(options.refused ?? [])]
    .map((o) => results.get(objectRef(o))!)
    .sort((a, b) => objectRef(a).localeCompare(objectRef(b)));
  return {
    apiVersion: DIFF_API_VERSION,
    kind: 'SyncResult',
    ...(record ? {runId: options.runId} : {}),
    dryRun: options.dryRun,
    source: plan.source,
    target: plan.target,
    summary: summarizeResults(objects),
    objects,
  };
}

async function writeOne(write: PlannedWrite, cluster: ClusterApi, options: ApplyOptions): Promise<ConfigObject | undefined> {
  const writeOptions = {dryRun: options.dryRun === 'server', fieldManager: options.fieldManager};
  const {desired, before, object} = write;
  if (object.action === 'create') return cluster.createConfigObject(desired, writeOptions);
  if (object.action === 'update') return cluster.replaceConfigObject(desired, writeOptions);
  // recreate: the delete is conditional on the version the plan was computed from.
  await cluster.deleteConfigObject(desired.kind, desired.namespace, desired.name, {...writeOptions, resourceVersion: before?.resourceVersion});
  if (writeOptions.dryRun) return undefined; // the object still exists, so a dry-run create would only report a clash
  try {
    return await cluster.createConfigObject(desired, writeOptions);
  } catch (error) {
    // Never leave the target deleted: put the old object back.
    try {
      await cluster.createConfigObject({...before!, resourceVersion: undefined}, writeOptions);
    } catch (restoreError) {
      throw new ConfigSyncError(
        `${messageOf(error)}; restoring the deleted object also failed (${messageOf(restoreError)}): run kubectl configsync undo ${options.runId} --force`,
        3,
      );
    }
    throw new ConfigSyncError(`${messageOf(error)}; the original object was restored`, 3);
  }
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

function messageOf(error: unknown): string {
  return (error as Error)?.message?.split('\n')[0] || String(error);
}

// ---------------------------------------------------------------------------
// Undo

export type UndoAction = 'delete' | 'restore' | 'recreate';

export interface UndoObjectResult {
  kind: ConfigKind;
  name: string;
  action: UndoAction;
  outcome: 'restored' | 'skipped' | 'failed';
  reason?: string;
  error?: string;
}

export interface UndoResult {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'UndoResult';
  runId: string;
  dryRun: 'none' | 'client' | 'server';
  target: Location;
  summary: {restored: number; skipped: number; failed: number};
  objects: UndoObjectResult[];
}

export interface UndoOptions {
  dryRun: 'none' | 'client' | 'server';
  fieldManager: string;
  force: boolean;
  onProgress?: (text: string) => void;
  /** Checked before each restore (SIGTERM, Ctrl-C): true stops the batch; the rest is reported as not attempted. */
  stopRequested?: () => boolean;
}

export const UNDO_NOT_ATTEMPTED = 'not attempted: interrupted before it was restored';

/**
 * Puts back what a sync run replaced, each write conditional on the object
 * still being what the sync left (unless force): a later edit is never lost silently.
 */
export async function applyUndo(record: BackupRecord, cluster: ClusterApi, options: UndoOptions): Promise<UndoResult> {
  const objects: UndoObjectResult[] = [];
  const namespace = record.target.namespace;
  const writeOptions = {dryRun: options.dryRun === 'server', fieldManager: options.fieldManager};
  for (const entry of record.entries) {
    const action: UndoAction = entry.action === 'create' ? 'delete' : entry.action === 'recreate' ? 'recreate' : 'restore';
    const base = {kind: entry.kind, name: entry.name, action};
    if (entry.outcome !== 'written') {
      objects.push({...base, outcome: 'skipped', reason: 'the sync did not write it'});
      continue;
    }
    if (options.stopRequested?.()) {
      objects.push({...base, outcome: 'skipped', reason: UNDO_NOT_ATTEMPTED});
      continue;
    }
    try {
      const current = await cluster.getConfigObject(entry.kind, namespace, entry.name);
      // Restored by an earlier, interrupted undo: a rerun finishes the rest without --force.
      if (current && entry.before && action !== 'delete' && sameContent(current, entry.before)) {
        objects.push({...base, outcome: 'skipped', reason: 'already restored'});
        continue;
      }
      const moved = current && entry.after?.resourceVersion && current.resourceVersion !== entry.after.resourceVersion;
      if (!current && action === 'delete') {
        objects.push({...base, outcome: 'skipped', reason: 'already deleted'});
        continue;
      }
      if (!current && !options.force) {
        objects.push({...base, outcome: 'failed', error: `${objectRef(entry)} was deleted after the sync; --force recreates it from the backup`});
        continue;
      }
      if (moved && !options.force) {
        objects.push({
          ...base,
          outcome: 'failed',
          error: `${objectRef(entry)} changed after the sync (resourceVersion ${entry.after!.resourceVersion} → ${current!.resourceVersion}); --force undoes it anyway`,
        });
        continue;
      }
      if (options.dryRun === 'client') {
        objects.push({...base, outcome: 'restored', reason: 'dry run: nothing written'});
        continue;
      }
      options.onProgress?.(`${action === 'delete' ? 'deleting' : 'restoring'} ${objectRef(entry)} in ${record.target.context}/${namespace}`);
      if (action === 'delete') {
        await cluster.deleteConfigObject(entry.kind, namespace, entry.name, {...writeOptions, resourceVersion: current!.resourceVersion});
      } else if (!current) {
        await cluster.createConfigObject({...entry.before!, resourceVersion: undefined}, writeOptions);
      } else if (action === 'recreate' || current.immutable) {
        await cluster.deleteConfigObject(entry.kind, namespace, entry.name, {...writeOptions, resourceVersion: current.resourceVersion});
        if (!writeOptions.dryRun) await cluster.createConfigObject({...entry.before!, resourceVersion: undefined}, writeOptions);
      } else {
        await cluster.replaceConfigObject({...entry.before!, resourceVersion: current.resourceVersion}, writeOptions);
      }
      objects.push({...base, outcome: 'restored'});
    } catch (error) {
      objects.push({...base, outcome: 'failed', error: messageOf(error)});
    }
  }
  const summary = {restored: 0, skipped: 0, failed: 0};
  for (const object of objects) summary[object.outcome]++;
  return {apiVersion: DIFF_API_VERSION, kind: 'UndoResult', runId: record.runId, dryRun: options.dryRun, target: record.target, summary, objects};
}

function sameContent(a: ConfigObject, b: ConfigObject): boolean {
  const same = (x: Record<string, string>, y: Record<string, string>) => {
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((k) => Object.hasOwn(y, k) && x[k] === y[k]);
  };
  return (a.type ?? '') === (b.type ?? '') && same(a.data, b.data) && same(a.binaryData, b.binaryData) && same(a.labels, b.labels) && same(a.annotations, b.annotations);
}
