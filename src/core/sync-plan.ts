import {DIFF_API_VERSION, type DiffReport, type KeyDiff, type ObjectDiff, type PlanBinding, type ValueView} from './diff.js';
import {UsageError} from './errors.js';
import {checksumsComparable, dataChecksum} from './fingerprint.js';
import {copyableAnnotations, copyableLabels} from './owned-metadata.js';
import {ownerFields, type Owner} from './owners.js';
import {locationName, objectRef, type ConfigKind, type ConfigObject, type Location} from './types.js';
import type {PathChange, ValueFormat} from './structured.js';

/** Every annotation the tool writes lives under this one prefix. */
export const PROVENANCE_PREFIX = 'configsync.kubectl.dev/';

export const PROVENANCE = {
  /** CONTEXT/NAMESPACE the data came from. */
  source: `${PROVENANCE_PREFIX}source`,
  /** RFC 3339 time of the sync. */
  syncedAt: `${PROVENANCE_PREFIX}synced-at`,
  /** Checksum of a ConfigMap's data and binaryData as written, so later edits show (never on Secrets: see docs/diff.md). */
  checksum: `${PROVENANCE_PREFIX}checksum`,
  /** Run id of the sync; `kubectl configsync undo RUN_ID` reverts it. */
  runId: `${PROVENANCE_PREFIX}run-id`,
} as const;

/** The API server rejects ConfigMaps and Secrets whose keys and values add up to more than 1 MiB. */
export const MAX_DATA_BYTES = 1024 * 1024;

export type SyncAction = 'create' | 'update' | 'recreate' | 'unchanged' | 'skipped';
export type KeyChangeKind = 'added' | 'changed' | 'removed';

export interface KeyChange {
  key: string;
  section: 'data' | 'binaryData';
  change: KeyChangeKind;
  /** Masked unless the report was made with --show-secrets. */
  source?: ValueView;
  target?: ValueView;
  /** For structured values (YAML, JSON, .properties, .env): what changes inside, target → source. */
  format?: ValueFormat;
  paths?: PathChange[];
}

export interface PlannedSide {
  uid?: string;
  resourceVersion?: string;
  checksum: string;
  type?: string;
  immutable?: boolean;
}

export interface PlannedObject {
  kind: ConfigKind;
  name: string;
  action: SyncAction;
  /** Why an object is skipped or unchanged. */
  reason?: string;
  /** Checks that failed: the object will not be written. */
  problems: string[];
  keys: KeyChange[];
  /** What the plan was computed from: the source checksum and the target resourceVersion. */
  source?: PlannedSide;
  target?: PlannedSide;
  /** Who else owns the target (Argo CD, Flux, a secret operator, a sync tool). */
  owner?: Owner;
  /** For an owner that reverts, prunes or overwrites: what it will do and how to keep the change. */
  ownerWarning?: string;
}

export interface SyncPlanSummary {
  create: number;
  update: number;
  recreate: number;
  unchanged: number;
  skipped: number;
  refused: number;
}

export interface SyncPlan {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'SyncPlan';
  source: Location;
  target: Location;
  /** The clusters, namespaces and salt this plan was made from; applying it anywhere else is refused. */
  binding?: PlanBinding;
  kinds: ConfigKind[];
  secretsShown: boolean;
  prune: boolean;
  recreate: boolean;
  createdAt: string;
  summary: SyncPlanSummary;
  objects: PlannedObject[];
}

export interface SyncSelection {
  /** objectRef()s to consider ("configmap/app"); undefined means every object that differs. */
  objects?: string[];
  /** Whether a differing key of an object is part of the sync. */
  keys: (object: Pick<ObjectDiff, 'kind' | 'name'>, key: KeyDiff) => boolean;
  /** Remove keys that exist only in the target. */
  prune: boolean;
  /** Delete and recreate immutable targets (and Secrets whose type changes). */
  recreate: boolean;
  /**
   * Only the chosen keys are synced (--keys): an object's Secret type is not, so an unselected
   * type difference neither blocks the run nor recreates the object.
   */
  keysOnly?: boolean;
}

/** The object to write, kept out of the plan because it holds values. */
export interface PlannedWrite {
  object: PlannedObject;
  desired: ConfigObject;
  /** The target as it was read (absent for creates). */
  before?: ConfigObject;
}

export interface SyncPlanResult {
  plan: SyncPlan;
  writes: PlannedWrite[];
}

export interface PlanOptions {
  now: Date;
  runId?: string;
  /** Named in owner warnings (Argo CD's managedFieldsManagers); kubectl-configsync by default. */
  fieldManager?: string;
}

export function isWritable(object: PlannedObject): boolean {
  return (object.action === 'create' || object.action === 'update' || object.action === 'recreate') && object.problems.length === 0;
}

/**
 * Turns a diff report and the objects it was computed from into a sync plan:
 * per object what to create or update, key by key, and the checks that
 * would make the API server refuse the write.
 */
export function planSync(
  report: DiffReport,
  sourceObjects: ConfigObject[],
  targetObjects: ConfigObject[],
  selection: SyncSelection,
  options: PlanOptions,
): SyncPlanResult {
  const sources = index(sourceObjects);
  const targets = index(targetObjects);
  const objects: PlannedObject[] = [];
  const writes: PlannedWrite[] = [];
  for (const diff of report.objects) {
    // Nothing to copy from a source that does not have the object; --prune works on keys only.
    if (diff.status === 'missing-in-source') continue;
    const target = targets.get(objectRef(diff));
    const planned = planObject(diff, sources.get(objectRef(diff)), target, report, selection, options);
    if (target)
      Object.assign(
        planned.object,
        ownerFields(
          target,
          planned.object.keys.map((k) => k.key),
          options.fieldManager,
        ),
      );
    objects.push(planned.object);
    if (planned.desired) writes.push({object: planned.object, desired: planned.desired, before: targets.get(objectRef(diff))});
  }
  return {
    plan: {
      apiVersion: DIFF_API_VERSION,
      kind: 'SyncPlan',
      source: report.source,
      target: report.target,
      ...(report.binding ? {binding: report.binding} : {}),
      kinds: report.kinds,
      secretsShown: report.secretsShown,
      prune: selection.prune,
      recreate: selection.recreate,
      createdAt: options.now.toISOString(),
      summary: summarizePlan(objects),
      objects,
    },
    writes,
  };
}

function planObject(
  diff: ObjectDiff,
  source: ConfigObject | undefined,
  target: ConfigObject | undefined,
  report: DiffReport,
  selection: SyncSelection,
  options: PlanOptions,
): {object: PlannedObject; desired?: ConfigObject} {
  const object: PlannedObject = {
    kind: diff.kind,
    name: diff.name,
    action: 'unchanged',
    problems: [],
    keys: [],
    source: diff.source,
    target: diff.target,
  };
  if (diff.ignored) return {object: {...object, action: 'skipped', reason: 'ignored by rule'}};
  const selected = !selection.objects || selection.objects.includes(objectRef(diff));
  // Being deleted, it will not hold what it holds for long, and it cannot be written: never "in sync".
  if (target?.deletionTimestamp && selected) {
    return {
      object: {
        ...object,
        action: 'update',
        problems: [`${objectRef(diff)} is being deleted (since ${target.deletionTimestamp}, finalizers pending) and cannot be written`],
      },
    };
  }
  if (diff.status === 'identical') return {object};
  if (!selected) return {object: {...object, action: 'skipped', reason: 'not selected'}};
  if (!source) throw new Error(`internal: ${objectRef(diff)} is in the report but was not read from the source`);

  const candidates = syncableKeys(diff, selection.prune);
  const keys = candidates.filter((k) => selection.keys(diff, k)).map(toKeyChange);
  const typeChange = Boolean(diff.typeChange) && !selection.keysOnly;
  // An empty source missing in the target is still created: the object itself is what differs.
  const emptyCreate = !target && Object.keys(source.data).length === 0 && Object.keys(source.binaryData).length === 0;
  if (keys.length === 0 && !(typeChange && target) && !emptyCreate) {
    const reason =
      candidates.length > 0
        ? 'no keys selected'
        : diff.keys.some((k) => k.status === 'missing-in-source')
          ? 'only target-only keys differ (kept; --prune removes them)'
          : 'only ignored keys differ';
    return {object: {...object, action: 'skipped', reason}};
  }
  object.keys = keys;

  if (!target) {
    object.action = 'create';
    const desired = buildCreate(source, keys, report, options);
    object.problems.push(...checkObject(desired));
    return {object, desired};
  }

  const needsRecreate = Boolean(target.immutable) || typeChange;
  if (needsRecreate && !selection.recreate) {
    object.action = 'update';
    object.problems.push(
      target.immutable
        ? 'immutable in target: its data cannot be changed; rerun with --recreate to delete and recreate it'
        : `Secret type differs (${source.type ?? 'Opaque'} in source, ${target.type ?? 'Opaque'} in target) and cannot be changed in place; rerun with --recreate to delete and recreate it`,
    );
    return {object};
  }
  object.action = needsRecreate ? 'recreate' : 'update';
  const desired = buildUpdate(source, target, keys, report, options);
  if (needsRecreate) {
    desired.resourceVersion = undefined;
    if (typeChange) desired.type = source.type;
  }
  object.problems.push(...checkObject(desired));
  return {object, desired};
}

/** Objects that sync could change: differing or missing in the target, not ignored. */
export function syncableObjects(objects: ObjectDiff[]): ObjectDiff[] {
  return objects.filter((o) => !o.ignored && (o.status === 'different' || o.status === 'missing-in-target'));
}

/** The one rule of which keys sync could write: not ignored, not identical, removals only with --prune. */
export function syncableKeys(object: Pick<ObjectDiff, 'keys'>, prune: boolean): KeyDiff[] {
  return object.keys.filter((k) => !k.ignored && k.status !== 'identical' && (k.status !== 'missing-in-source' || prune));
}

function toKeyChange(key: KeyDiff): KeyChange {
  const change: KeyChangeKind = key.status === 'missing-in-target' ? 'added' : key.status === 'missing-in-source' ? 'removed' : 'changed';
  return {
    key: key.key,
    section: key.section,
    change,
    ...(key.source ? {source: key.source} : {}),
    ...(key.target ? {target: key.target} : {}),
    ...(change === 'changed' && key.changes ? {format: key.format, paths: key.changes.map(towardTarget)} : {}),
  };
}

/** The diff reads source → target; a sync writes the source over the target, so each path change turns around. */
export function towardTarget(change: PathChange): PathChange {
  if (change.change === 'added') return {path: change.path, change: 'removed', ...(change.new !== undefined ? {old: change.new} : {})};
  if (change.change === 'removed') return {path: change.path, change: 'added', ...(change.old !== undefined ? {new: change.old} : {})};
  return {
    path: change.path,
    change: 'changed',
    ...(change.new !== undefined ? {old: change.new} : {}),
    ...(change.old !== undefined ? {new: change.old} : {}),
    ...(change.oldType !== undefined ? {oldType: change.newType, newType: change.oldType} : {}),
  };
}

function buildCreate(source: ConfigObject, keys: KeyChange[], report: DiffReport, options: PlanOptions): ConfigObject {
  const desired: ConfigObject = {
    kind: source.kind,
    name: source.name,
    namespace: report.target.namespace,
    ...(source.type ? {type: source.type} : {}),
    ...(source.immutable ? {immutable: true} : {}),
    labels: copyableLabels(source),
    annotations: copyableAnnotations(source),
    data: {},
    binaryData: {},
  };
  for (const key of keys) copyKey(desired, source, key.key);
  return withProvenance(desired, report.source, options);
}

function buildUpdate(
  source: ConfigObject,
  target: ConfigObject,
  keys: KeyChange[],
  report: DiffReport,
  options: PlanOptions,
): ConfigObject {
  const desired: ConfigObject = {
    ...target,
    labels: {...target.labels},
    annotations: {...target.annotations},
    data: {...target.data},
    binaryData: {...target.binaryData},
  };
  for (const key of keys) {
    if (key.change === 'removed') {
      delete desired.data[key.key];
      delete desired.binaryData[key.key];
    } else {
      copyKey(desired, source, key.key);
    }
  }
  return withProvenance(desired, report.source, options);
}

/**
 * Copies one key with its bytes, from whichever section the source holds it in (a Secret's
 * non-UTF-8 values are in binaryData here, whatever the report calls the section), and out of
 * the other: a key lives in one section only, the API rejects it in both.
 */
function copyKey(desired: ConfigObject, source: ConfigObject, key: string): void {
  const from = Object.hasOwn(source.data, key) ? 'data' : 'binaryData';
  desired[from][key] = source[from][key];
  delete desired[from === 'data' ? 'binaryData' : 'data'][key];
}

function withProvenance(object: ConfigObject, source: Location, options: PlanOptions): ConfigObject {
  object.annotations[PROVENANCE.source] = locationName(source);
  object.annotations[PROVENANCE.syncedAt] = options.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // Anyone who may read a Secret's metadata could try guesses against a digest of its data: Secrets get none.
  if (object.kind === 'Secret') delete object.annotations[PROVENANCE.checksum];
  else object.annotations[PROVENANCE.checksum] = dataChecksum(object);
  if (options.runId) object.annotations[PROVENANCE.runId] = options.runId;
  else delete object.annotations[PROVENANCE.runId];
  return object;
}

/** Value bytes (binaryData decoded), summed the way the API server's validation sums them. */
export function dataSize(object: Pick<ConfigObject, 'data' | 'binaryData'>): number {
  let total = 0;
  for (const value of Object.values(object.data)) total += Buffer.byteLength(value, 'utf8');
  for (const value of Object.values(object.binaryData)) total += Buffer.from(value, 'base64').length;
  return total;
}

const REQUIRED_SECRET_KEYS: Record<string, {allOf?: string[]; anyOf?: string[]}> = {
  'kubernetes.io/tls': {allOf: ['tls.crt', 'tls.key']},
  'kubernetes.io/dockerconfigjson': {allOf: ['.dockerconfigjson']},
  'kubernetes.io/dockercfg': {allOf: ['.dockercfg']},
  'kubernetes.io/basic-auth': {anyOf: ['username', 'password']},
  'kubernetes.io/ssh-auth': {allOf: ['ssh-privatekey']},
};

/** Problems the API server would reject the object for, in words that name the fix. */
export function checkObject(object: ConfigObject): string[] {
  const problems: string[] = [];
  const size = dataSize(object);
  if (size > MAX_DATA_BYTES) {
    problems.push(
      `too large: ${objectRef(object)} would hold ${formatBytes(size)} of data, over the 1 MiB limit of ConfigMaps and Secrets; sync fewer keys or split the object`,
    );
  }
  if (object.kind === 'Secret' && object.type) {
    const rule = REQUIRED_SECRET_KEYS[object.type];
    const has = (key: string) => key in object.data || key in object.binaryData;
    const missing = rule?.allOf?.filter((key) => !has(key)) ?? [];
    if (missing.length > 0) {
      problems.push(
        `invalid Secret: type ${object.type} needs key${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${objectRef(object)} would not have; select ${missing.length > 1 ? 'them' : 'it'} too`,
      );
    }
    if (rule?.anyOf && !rule.anyOf.some(has)) {
      problems.push(
        `invalid Secret: type ${object.type} needs at least one of ${rule.anyOf.join(', ')}, which ${objectRef(object)} would not have`,
      );
    }
    if (object.type === 'kubernetes.io/dockerconfigjson' && has('.dockerconfigjson') && !isJson(object.data['.dockerconfigjson'])) {
      problems.push(`invalid Secret: .dockerconfigjson of ${objectRef(object)} is not valid JSON`);
    }
  }
  return problems;
}

function isJson(text: string | undefined): boolean {
  if (text === undefined) return true; // binary: left to the server
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

export function summarizePlan(objects: PlannedObject[]): SyncPlanSummary {
  const summary: SyncPlanSummary = {create: 0, update: 0, recreate: 0, unchanged: 0, skipped: 0, refused: 0};
  for (const object of objects) {
    if (object.problems.length > 0) summary.refused++;
    else summary[object.action]++;
  }
  return summary;
}

function index(objects: ConfigObject[]): Map<string, ConfigObject> {
  return new Map(objects.map((o) => [objectRef(o), o]));
}

// ---------------------------------------------------------------------------
// Saved plans: a DiffReport (`diff -o json`) or a SyncPlan (`sync --dry-run=client -o json`).

export interface SavedPlanKey {
  key: string;
  section: 'data' | 'binaryData';
  /** The source value as the reviewer saw it (text, salted fingerprint, or size and hash); absent for a key to remove. */
  source?: ValueView;
}

export interface SavedPlanEntry {
  kind: ConfigKind;
  name: string;
  keys: SavedPlanKey[];
  source?: {checksum: string; resourceVersion?: string; uid?: string};
  target?: {resourceVersion?: string; uid?: string};
}

export interface SavedPlan {
  from: 'DiffReport' | 'SyncPlan';
  source: Location;
  target: Location;
  binding: PlanBinding;
  kinds: ConfigKind[];
  secretsShown: boolean;
  prune: boolean;
  entries: SavedPlanEntry[];
  /** Every object the plan was made over, written or not: what a plan of nothing is checked against. */
  scope: Array<{kind: ConfigKind; name: string}>;
}

/**
 * Reads a saved plan that passed its schema; a DiffReport contributes its differing keys
 * (target-only keys only with prune). A plan without a binding (made by an earlier version)
 * is refused: it cannot say which clusters and namespaces were reviewed.
 */
export function readSavedPlan(document: unknown, options: {prune: boolean}): SavedPlan {
  const doc = document as {
    kind: 'DiffReport' | 'SyncPlan';
    source: Location;
    target: Location;
    binding?: PlanBinding;
    kinds: ConfigKind[];
    secretsShown?: boolean;
    objects: unknown[];
    prune?: boolean;
  };
  if (!doc.binding)
    throw new UsageError(
      '--plan: the plan has no binding (clusters, namespaces, salt): it was made by an earlier version; make a new plan',
    );
  const keyOf = (k: {key: string; section: 'data' | 'binaryData'; source?: ValueView}): SavedPlanKey => ({
    key: k.key,
    section: k.section,
    ...(k.source ? {source: k.source} : {}),
  });
  // Where the plan reads from and writes to, and what it was bound to: the same in both kinds.
  const common = {
    source: doc.source,
    target: doc.target,
    binding: doc.binding,
    kinds: doc.kinds,
    secretsShown: Boolean(doc.secretsShown),
    scope: (doc.objects as Array<{kind: ConfigKind; name: string}>).map(({kind, name}) => ({kind, name})),
  };
  if (doc.kind === 'SyncPlan') {
    const objects = doc.objects as PlannedObject[];
    return {
      from: 'SyncPlan',
      ...common,
      prune: Boolean(doc.prune),
      entries: objects
        .filter((o) => ['create', 'update', 'recreate'].includes(o.action) && (o.problems ?? []).length === 0)
        .map((o) => ({kind: o.kind, name: o.name, keys: o.keys.map(keyOf), source: o.source, target: o.target})),
    };
  }
  const objects = doc.objects as ObjectDiff[];
  return {
    from: 'DiffReport',
    ...common,
    prune: options.prune,
    entries: syncableObjects(objects).map((o) => ({
      kind: o.kind,
      name: o.name,
      keys: syncableKeys(o, options.prune).map(keyOf),
      source: o.source,
      target: o.target,
    })),
  };
}

/** Where the clusters and namespaces read now are not the ones the plan was made from. */
export function bindingMismatches(planned: PlanBinding, live: PlanBinding, where: {source: Location; target: Location}): string[] {
  const problems: string[] = [];
  for (const side of ['source', 'target'] as const) {
    const name = locationName(where[side]);
    if (planned[side].cluster !== live[side].cluster) {
      problems.push(
        `${side} ${name} is now cluster ${live[side].cluster}, the plan was made on cluster ${planned[side].cluster} (context repointed?)`,
      );
    } else if (planned[side].namespaceUid && live[side].namespaceUid && planned[side].namespaceUid !== live[side].namespaceUid) {
      problems.push(
        `${side} namespace ${name} was deleted and created again since the plan was made (UID ${planned[side].namespaceUid} → ${live[side].namespaceUid})`,
      );
    }
  }
  return problems;
}

/**
 * Why an entry of a saved plan is not what is in the source now,
 * or was edited: the source object, its UID and data, and every key with the value the
 * reviewer saw. Any of these refuses the whole plan.
 */
export function planMismatch(entry: SavedPlanEntry, current: ObjectDiff | undefined): string | undefined {
  if (!current?.source) return 'the source object does not exist';
  if (entry.source?.uid && current.source.uid && entry.source.uid !== current.source.uid)
    return 'the source object was deleted and created again since the plan was made';
  // A Secret's checksum and fingerprints are keyed by the salt of the run that made the plan, and the
  // salt never leaves that run (unless pinned with KUBECTL_CONFIGSYNC_SALT): under another salt the
  // source's resourceVersion says whether its values are still the ones reviewed.
  const comparable = Boolean(entry.source?.checksum) && checksumsComparable(entry.source!.checksum, current.source.checksum);
  const changed = comparable
    ? entry.source!.checksum !== current.source.checksum
    : !entry.source?.resourceVersion || entry.source.resourceVersion !== current.source.resourceVersion;
  if (changed) return 'the source changed since the plan was made';
  for (const key of entry.keys) {
    const live = current.keys.find((k) => k.key === key.key && k.section === key.section);
    // A key now equal on both sides means the target moved: staleReason refuses that object alone.
    if (!live) return `key ${key.key} is in neither source nor target`;
    const keyed = key.source?.fingerprint !== undefined || live.source?.fingerprint !== undefined;
    if ((comparable || !keyed) && !sameView(key.source, live.source)) return `the value of key ${key.key} is not the one in the plan`;
  }
  return undefined;
}

/** Why the target of a saved plan's entry moved since (that object alone is refused), or undefined. */
export function staleReason(entry: SavedPlanEntry, current: ObjectDiff | undefined): string | undefined {
  if (!entry.target && current?.target)
    return `the target was created since the plan was made (resourceVersion ${current.target.resourceVersion})`;
  if (entry.target && !current?.target) return 'the target was deleted since the plan was made';
  if (entry.target?.uid && current?.target?.uid && entry.target.uid !== current.target.uid)
    return 'the target object was deleted and created again since the plan was made';
  if (entry.target && entry.target.resourceVersion !== current?.target?.resourceVersion) {
    return `the target changed since the plan was made (resourceVersion ${entry.target.resourceVersion} → ${current?.target?.resourceVersion})`;
  }
  return undefined;
}

function sameView(planned: ValueView | undefined, live: ValueView | undefined): boolean {
  if (!planned || !live) return planned === live;
  return (
    planned.value === live.value && planned.fingerprint === live.fingerprint && planned.sha256 === live.sha256 && planned.size === live.size
  );
}

/** The selection that applies exactly what a saved plan lists (for the entries that are still fresh). */
export function selectionFromSavedPlan(saved: SavedPlan, fresh: SavedPlanEntry[], recreate: boolean): SyncSelection {
  const listed = new Map(fresh.map((e) => [objectRef(e), new Set(e.keys.map((k) => `${k.section}\0${k.key}`))]));
  return {
    objects: fresh.map((e) => objectRef(e)),
    keys: (object, key) => listed.get(objectRef(object))?.has(`${key.section}\0${key.key}`) ?? false,
    prune: saved.prune,
    recreate,
  };
}
