import {UsageError} from './errors.js';
import {dataChecksum, sha256} from './fingerprint.js';
import {compileNamespaceSelection, type NamespaceLike, type NamespaceSelection} from './namespace-select.js';
import type {ConfigKind, ConfigObject} from './types.js';

/** Our own prefix for origin labels and annotations on copies. */
export const ORIGIN_PREFIX = 'configsync.kubectl.dev/';
export const ORIGIN_LABELS = {
  /** Hash of kind, API server URL, namespace and name: the one label copies are listed by. */
  id: `${ORIGIN_PREFIX}origin-id`,
  name: `${ORIGIN_PREFIX}origin-name`,
  namespace: `${ORIGIN_PREFIX}origin-namespace`,
  cluster: `${ORIGIN_PREFIX}origin-cluster`,
} as const;
/** Full source reference (JSON), since label values cannot hold it. */
export const ORIGIN_ANNOTATION = `${ORIGIN_PREFIX}origin`;
/** ConfigMap copies: checksum of the source's data when the copy was written. */
export const CHECKSUM_ANNOTATION = `${ORIGIN_PREFIX}checksum`;
/**
 * Secret copies: the source's resourceVersion when the copy was written. A Secret copy
 * carries no digest of its data (whoever may read its metadata could try guesses
 * against one); it is checked against the live source instead.
 */
export const SOURCE_VERSION_ANNOTATION = `${ORIGIN_PREFIX}source-resource-version`;
/** Annotations that follow the source rather than describe the copy. */
const TRACKING_ANNOTATIONS = new Set([CHECKSUM_ANNOTATION, SOURCE_VERSION_ANNOTATION]);

/** Kubed's marks, read when migrating. */
export const KUBED = {
  sync: 'kubed.appscode.com/sync',
  syncContexts: 'kubed.appscode.com/sync-contexts',
  originName: 'kubed.appscode.com/origin.name',
  originNamespace: 'kubed.appscode.com/origin.namespace',
  originCluster: 'kubed.appscode.com/origin.cluster',
} as const;

export type ConflictPolicy = 'skip' | 'overwrite' | 'adopt';

/** Where the source lives. The API server URL, not the context name, identifies the cluster. */
export interface SourceRef {
  kind: ConfigKind;
  name: string;
  namespace: string;
  context: string;
  server: string;
}

export function originId(ref: Pick<SourceRef, 'kind' | 'name' | 'namespace' | 'server'>): string {
  return sha256(`${ref.kind}\n${normalizeServer(ref.server)}\n${ref.namespace}\n${ref.name}`).slice(0, 40);
}

/** The label selector that finds every copy of this source. */
export function originSelector(ref: SourceRef): string {
  return `${ORIGIN_LABELS.id}=${originId(ref)}`;
}

/** A valid label value: the text itself when it is one, otherwise a short hash of it. */
export function labelValue(text: string): string {
  if (text.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(text)) return text;
  return `sha256-${sha256(text).slice(0, 24)}`;
}

function normalizeServer(server: string): string {
  return server.replace(/\/+$/, '').toLowerCase();
}

/** True only for our copy of exactly this source: the label and the full reference both match. */
export function isCopyOf(object: Pick<ConfigObject, 'labels' | 'annotations' | 'kind'>, ref: SourceRef): boolean {
  if (object.kind !== ref.kind || object.labels[ORIGIN_LABELS.id] !== originId(ref)) return false;
  const origin = parseOrigin(object.annotations[ORIGIN_ANNOTATION]);
  return (
    origin !== undefined &&
    origin.kind === ref.kind &&
    origin.name === ref.name &&
    origin.namespace === ref.namespace &&
    normalizeServer(origin.server ?? '') === normalizeServer(ref.server)
  );
}

export function parseOrigin(text: string | undefined): Partial<SourceRef> | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A copy Kubed's config-syncer made of this source (same name and namespace). */
export function isKubedCopyOf(object: Pick<ConfigObject, 'labels'>, ref: SourceRef): boolean {
  return object.labels[KUBED.originName] === ref.name && object.labels[KUBED.originNamespace] === ref.namespace;
}

// Labels and annotations owned by the platform or by deployment tools: copying them
// would make those tools claim (and prune) the copies, or re-trigger a sync.
const OWNED_PREFIXES = [
  ORIGIN_PREFIX,
  'kubectl.kubernetes.io/',
  'meta.helm.sh/',
  'helm.sh/',
  'argocd.argoproj.io/',
  'kubed.appscode.com/',
  'kustomize.toolkit.fluxcd.io/',
  'helm.toolkit.fluxcd.io/',
  'fluxcd.io/',
  'kubernetes.io/',
  'k8s.io/',
];
const OWNED_KEYS = new Set(['app.kubernetes.io/managed-by', 'argocd.argoproj.io/instance']);
const GITOPS_INSTANCE_LABEL = 'app.kubernetes.io/instance';

function isOwnedKey(key: string): boolean {
  return OWNED_KEYS.has(key) || OWNED_PREFIXES.some((p) => key.startsWith(p));
}

/** Argo CD (label tracking) and Helm mark their objects with app.kubernetes.io/instance. */
function isManagedByTool(object: Pick<ConfigObject, 'labels' | 'annotations'>): boolean {
  return (
    Object.hasOwn(object.labels, 'app.kubernetes.io/managed-by') ||
    Object.keys(object.annotations).some((k) => isOwnedKey(k) && !k.startsWith(ORIGIN_PREFIX)) ||
    Object.keys(object.labels).some((k) => isOwnedKey(k) && !k.startsWith(ORIGIN_PREFIX))
  );
}

export function copyableLabels(object: Pick<ConfigObject, 'labels' | 'annotations'>): Record<string, string> {
  const dropInstance = isManagedByTool(object);
  return pick(object.labels, (k) => !isOwnedKey(k) && !(dropInstance && k === GITOPS_INSTANCE_LABEL));
}

export function copyableAnnotations(object: Pick<ConfigObject, 'annotations'>): Record<string, string> {
  return pick(object.annotations, (k) => !isOwnedKey(k));
}

function pick(record: Record<string, string>, keep: (key: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) if (keep(key)) out[key] = record[key];
  return out;
}

export interface CopyOptions {
  /** --strip-labels: copy neither labels nor annotations of the source. */
  stripLabels?: boolean;
}

/** The copy as it should be in one namespace. */
export function desiredCopy(source: ConfigObject, ref: SourceRef, namespace: string, options: CopyOptions = {}): ConfigObject {
  const copy: ConfigObject = {
    kind: source.kind,
    name: source.name,
    namespace,
    labels: {
      ...(options.stripLabels ? {} : copyableLabels(source)),
      [ORIGIN_LABELS.id]: originId(ref),
      [ORIGIN_LABELS.name]: labelValue(ref.name),
      [ORIGIN_LABELS.namespace]: labelValue(ref.namespace),
      [ORIGIN_LABELS.cluster]: labelValue(ref.context),
    },
    annotations: {
      ...(options.stripLabels ? {} : copyableAnnotations(source)),
      [ORIGIN_ANNOTATION]: JSON.stringify({kind: ref.kind, name: ref.name, namespace: ref.namespace, context: ref.context, server: ref.server}),
      ...trackingAnnotation(source),
    },
    data: {...source.data},
    binaryData: {...source.binaryData},
  };
  if (source.kind === 'Secret') copy.type = source.type ?? 'Opaque';
  if (source.immutable) copy.immutable = true;
  return copy;
}

function trackingAnnotation(source: ConfigObject): Record<string, string> {
  if (source.kind !== 'Secret') return {[CHECKSUM_ANNOTATION]: dataChecksum(source)};
  return source.resourceVersion ? {[SOURCE_VERSION_ANNOTATION]: source.resourceVersion} : {};
}

export type FanoutAction = 'create' | 'update' | 'unchanged' | 'prune' | 'conflict' | 'error';

export interface FanoutEntry {
  context: string;
  namespace: string;
  action: FanoutAction;
  /** How a same-name object that is not our copy was handled. */
  conflict?: ConflictPolicy | 'kubed-copy';
  /** What differs, for updates: data, binaryData, type, immutable, labels, annotations. */
  changes?: string[];
  /** The existing copy is immutable: it is deleted and created again. */
  recreate?: boolean;
  reason?: string;
  /** resourceVersion of the existing object the write is conditioned on. */
  resourceVersion?: string;
  /** Body to create, or what the existing object should become (not part of the JSON output). */
  object?: ConfigObject;
  /** The existing object, as read: updates and deletes are conditioned on it (not part of the JSON output). */
  existing?: ConfigObject;
}

export interface FanoutSummary {
  create: number;
  update: number;
  unchanged: number;
  prune: number;
  conflict: number;
  error: number;
}

export interface FanoutPlan {
  source: SourceRef & {checksum?: string; resourceVersion?: string; exists: boolean};
  entries: FanoutEntry[];
  summary: FanoutSummary;
}

/** What was read from one target cluster. */
export interface ClusterRead {
  context: string;
  server: string;
  /** Namespaces chosen as targets in this cluster. */
  targets: string[];
  /** Named namespaces that do not exist. */
  missing?: string[];
  /** Named namespaces being deleted. */
  terminating?: string[];
  /** Objects of the source's kind and name found in this cluster (copies and others). */
  objects: ConfigObject[];
  /** Reading this cluster failed: every target in it is reported as an error. */
  error?: string;
}

export interface FanoutPlanOptions extends CopyOptions {
  onConflict: ConflictPolicy;
  prune: boolean;
  /** Kubed migration: take over Kubed's copies of the source. */
  adoptKubedCopies?: boolean;
}

/**
 * The plan: per context and namespace, create / update / unchanged / conflict,
 * plus prune of our copies in namespaces no longer selected. When the source
 * is gone (undefined), every copy is pruned.
 */
export function planFanout(ref: SourceRef, source: ConfigObject | undefined, clusters: ClusterRead[], options: FanoutPlanOptions): FanoutPlan {
  const entries: FanoutEntry[] = [];
  for (const cluster of clusters) {
    if (cluster.error) {
      entries.push({context: cluster.context, namespace: '*', action: 'error', reason: cluster.error});
      continue;
    }
    for (const namespace of cluster.missing ?? []) {
      entries.push({context: cluster.context, namespace, action: 'error', reason: `namespace "${namespace}" not found`});
    }
    for (const namespace of cluster.terminating ?? []) {
      entries.push({context: cluster.context, namespace, action: 'error', reason: `namespace "${namespace}" is being deleted (Terminating) and refuses new objects`});
    }
    const byNamespace = new Map<string, ConfigObject>();
    for (const object of cluster.objects) {
      if (object.kind === ref.kind && object.name === ref.name) byNamespace.set(object.namespace, object);
    }
    const targets = new Set(source ? cluster.targets : []);
    for (const namespace of [...targets].sort()) {
      if (isSource(ref, cluster.server, namespace)) continue;
      entries.push(planTarget(ref, source!, cluster.context, namespace, byNamespace.get(namespace), options));
    }
    if (!options.prune && source) continue;
    for (const object of [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace))) {
      if (targets.has(object.namespace) || !isCopyOf(object, ref)) continue;
      entries.push({
        context: cluster.context,
        namespace: object.namespace,
        action: 'prune',
        reason: source ? 'namespace no longer selected' : 'source deleted',
        resourceVersion: object.resourceVersion,
        existing: object,
      });
    }
  }
  entries.sort((a, b) => a.context.localeCompare(b.context) || a.namespace.localeCompare(b.namespace));
  return {
    source: {...ref, exists: source !== undefined, checksum: source ? dataChecksum(source) : undefined, resourceVersion: source?.resourceVersion},
    entries,
    summary: summarize(entries),
  };
}

/** One target namespace: what to do given what is there now. */
export function planTarget(
  ref: SourceRef,
  source: ConfigObject,
  context: string,
  namespace: string,
  existing: ConfigObject | undefined,
  options: FanoutPlanOptions,
): FanoutEntry {
  const desired = desiredCopy(source, ref, namespace, options);
  const base = {context, namespace};
  if (!existing) return {...base, action: 'create', object: desired};

  if (existing.deletionTimestamp) {
    return {...base, action: 'error', reason: `${existing.kind === 'Secret' ? 'secret' : 'configmap'}/${existing.name} is being deleted (finalizers pending) and cannot be written`, resourceVersion: existing.resourceVersion};
  }
  let conflict: FanoutEntry['conflict'];
  let wanted = desired;
  if (!isCopyOf(existing, ref)) {
    if (options.adoptKubedCopies && isKubedCopyOf(existing, ref)) conflict = 'kubed-copy';
    else conflict = options.onConflict;
    if (conflict === 'skip') {
      return {...base, action: 'conflict', conflict, reason: 'an object with this name exists and is not a copy of this source', resourceVersion: existing.resourceVersion};
    }
    // overwrite: the object gets the source's content but keeps its own metadata and stays unmarked.
    if (conflict === 'overwrite') wanted = {...existing, data: desired.data, binaryData: desired.binaryData, type: desired.type, immutable: desired.immutable};
  }
  const changes = differences(existing, wanted, conflict !== 'overwrite');
  const resourceVersion = existing.resourceVersion;
  if (changes.length === 0) return {...base, action: 'unchanged', conflict, resourceVersion};
  // An immutable object, or a Secret whose type changes, can only be replaced by delete + create.
  const recreate = Boolean(existing.immutable) || (existing.kind === 'Secret' && changes.includes('type'));
  // Deleting is only ever done to our own copies: someone else's object is never deleted to be overwritten.
  if (recreate && (conflict === 'overwrite' || conflict === 'adopt')) {
    return {
      ...base,
      action: 'error',
      conflict,
      reason: `refused: an object with this name exists, is not a copy of this source and can only be changed by deleting it (${existing.immutable ? 'immutable' : 'Secret type differs'}); it is never deleted for you: delete it yourself or exclude ${namespace}`,
      resourceVersion,
    };
  }
  return {
    ...base,
    action: 'update',
    conflict,
    changes,
    recreate: recreate || undefined,
    resourceVersion,
    object: {...wanted, resourceVersion: recreate ? undefined : resourceVersion, uid: undefined},
    existing,
  };
}

function differences(existing: ConfigObject, wanted: ConfigObject, compareMetadata: boolean): string[] {
  const changes: string[] = [];
  if (!sameRecord(existing.data, wanted.data)) changes.push('data');
  if (!sameRecord(existing.binaryData, wanted.binaryData)) changes.push('binaryData');
  if (existing.kind === 'Secret' && (existing.type ?? 'Opaque') !== (wanted.type ?? 'Opaque')) changes.push('type');
  if (Boolean(existing.immutable) !== Boolean(wanted.immutable)) changes.push('immutable');
  if (compareMetadata && !sameRecord(existing.labels, wanted.labels)) changes.push('labels');
  if (compareMetadata) {
    // Our tracking annotations follow the source: name them only when nothing else explains the write.
    const untracked = (r: Record<string, string>) => pick(r, (k) => !TRACKING_ANNOTATIONS.has(k));
    const tracked = (r: Record<string, string>) => pick(r, (k) => TRACKING_ANNOTATIONS.has(k));
    if (!sameRecord(untracked(existing.annotations), untracked(wanted.annotations))) changes.push('annotations');
    else if (changes.length === 0 && !sameRecord(tracked(existing.annotations), tracked(wanted.annotations))) changes.push('annotations');
  }
  return changes;
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function isSource(ref: SourceRef, server: string, namespace: string): boolean {
  return namespace === ref.namespace && normalizeServer(server) === normalizeServer(ref.server);
}

export function summarize(entries: FanoutEntry[]): FanoutSummary {
  const summary: FanoutSummary = {create: 0, update: 0, unchanged: 0, prune: 0, conflict: 0, error: 0};
  for (const entry of entries) summary[entry.action]++;
  return summary;
}

/** Entries that need a write. */
export function isWrite(entry: FanoutEntry): boolean {
  return entry.action === 'create' || entry.action === 'update' || entry.action === 'prune';
}

/** A target cluster as the command resolved it, before its namespaces are chosen. */
export interface TargetCluster {
  context: string;
  server: string;
  /** Namespace used when no namespace selection is given: the context's own, or the source's. */
  defaultNamespace: string;
}

export interface TargetChoice {
  context: string;
  server: string;
  targets: string[];
  missing: string[];
  /** Named namespaces being deleted. */
  terminating: string[];
}

/**
 * Chooses the namespaces in each cluster and refuses what must never happen:
 * the source as its own target, and two targets that are one API server and namespace.
 * A namespace picked by a pattern that turns out to be the source is simply left out.
 */
export function chooseTargets(
  ref: SourceRef,
  clusters: Array<TargetCluster & {namespaces: NamespaceLike[]}>,
  selection: NamespaceSelection,
): TargetChoice[] {
  const byPattern = Boolean(selection.all || selection.selector !== undefined || selection.regex !== undefined);
  const explicit = (selection.names?.length ?? 0) > 0;
  const choose = compileNamespaceSelection(selection);
  const seen = new Map<string, string>();
  const choices: TargetChoice[] = [];
  for (const cluster of clusters) {
    let targets: string[];
    let missing: string[] = [];
    let terminating: string[] = [];
    if (!byPattern && !explicit) {
      const found = cluster.namespaces.find((n) => n.name === cluster.defaultNamespace);
      targets = found && found.phase !== 'Terminating' ? [cluster.defaultNamespace] : [];
      missing = found ? [] : [cluster.defaultNamespace];
      terminating = found?.phase === 'Terminating' ? [cluster.defaultNamespace] : [];
    } else {
      ({selected: targets, missing, terminating} = choose(cluster.namespaces));
    }
    const named = new Set([...(selection.names ?? []), ...(!byPattern && !explicit ? [cluster.defaultNamespace] : [])]);
    for (const namespace of [...targets, ...missing]) {
      if (isSource(ref, cluster.server, namespace) && named.has(namespace)) {
        throw new UsageError(`target ${cluster.context}/${namespace} is the source itself (same API server and namespace); name other namespaces or contexts`);
      }
    }
    targets = targets.filter((n) => !isSource(ref, cluster.server, n));
    for (const namespace of [...targets, ...missing]) {
      const key = `${normalizeServer(cluster.server)} ${namespace}`;
      const other = seen.get(key);
      if (other && other !== cluster.context) {
        throw new UsageError(
          `targets ${other}/${namespace} and ${cluster.context}/${namespace} are the same place (API server ${cluster.server}); name each cluster once`,
        );
      }
      seen.set(key, cluster.context);
    }
    choices.push({context: cluster.context, server: cluster.server, targets, missing, terminating});
  }
  return choices;
}

export type CopyState = 'in-sync' | 'stale' | 'edited' | 'orphaned' | 'missing';

export interface CopyStatus {
  context: string;
  namespace: string;
  state: CopyState;
  /** ConfigMap copies: checksum recorded on the copy when it was written. */
  recorded?: string;
  /** Checksum of the copy's data now (none when missing); keyed by the run's salt for Secrets. */
  actual?: string;
}

export interface FanoutStatus {
  source: SourceRef & {exists: boolean; checksum?: string};
  copies: CopyStatus[];
  summary: Record<CopyState, number>;
}

/**
 * Audits copies: orphaned when the source is gone, edited when the copy's data no
 * longer matches what was written, stale when the source changed since, else in sync.
 * ConfigMap copies are judged by the checksum they record; Secret copies, which record
 * none, by comparing their data with the live source and the source version they record.
 * With `expected` targets, a target without a copy is missing.
 */
export function planFanoutStatus(
  ref: SourceRef,
  source: ConfigObject | undefined,
  copies: Array<{context: string; server?: string; object: ConfigObject}>,
  expected: Array<{context: string; server: string; namespace: string}> = [],
): FanoutStatus {
  const checksum = source ? dataChecksum(source) : undefined;
  const rows: CopyStatus[] = [];
  for (const {context, object} of copies) {
    if (!isCopyOf(object, ref)) continue;
    const actual = dataChecksum(object);
    if (object.kind === 'Secret') {
      rows.push({context, namespace: object.namespace, state: secretCopyState(object, source), actual});
      continue;
    }
    const recorded = object.annotations[CHECKSUM_ANNOTATION];
    const state: CopyState = !source ? 'orphaned' : recorded !== actual ? 'edited' : recorded !== checksum ? 'stale' : 'in-sync';
    rows.push({context, namespace: object.namespace, state, recorded, actual});
  }
  // Two contexts of one API server see the same copies: a target counts as covered by either.
  const covered = new Set(copies.filter(({object}) => isCopyOf(object, ref)).map(({context, server, object}) => `${server ? normalizeServer(server) : context} ${object.namespace}`));
  if (source) {
    for (const target of expected) {
      if (!covered.has(`${normalizeServer(target.server)} ${target.namespace}`)) rows.push({context: target.context, namespace: target.namespace, state: 'missing'});
    }
  }
  rows.sort((a, b) => a.context.localeCompare(b.context) || a.namespace.localeCompare(b.namespace));
  const summary: Record<CopyState, number> = {'in-sync': 0, stale: 0, edited: 0, orphaned: 0, missing: 0};
  for (const row of rows) summary[row.state]++;
  return {source: {...ref, exists: source !== undefined, checksum}, copies: rows, summary};
}

function secretCopyState(copy: ConfigObject, source: ConfigObject | undefined): CopyState {
  if (!source) return 'orphaned';
  if (sameRecord(copy.data, source.data) && sameRecord(copy.binaryData, source.binaryData)) return 'in-sync';
  // The data differs: if the source is still the version the copy was written from, the copy was edited.
  const recorded = copy.annotations[SOURCE_VERSION_ANNOTATION];
  return recorded !== undefined && recorded === source.resourceVersion ? 'edited' : 'stale';
}

/** The plan of `fanout --delete`: every copy of this source, and nothing else. */
export function planFanoutDelete(ref: SourceRef, clusters: Array<{context: string; objects: ConfigObject[]; error?: string}>): FanoutPlan {
  const entries: FanoutEntry[] = [];
  for (const cluster of clusters) {
    if (cluster.error) {
      entries.push({context: cluster.context, namespace: '*', action: 'error', reason: cluster.error});
      continue;
    }
    for (const object of cluster.objects) {
      if (!isCopyOf(object, ref)) continue;
      entries.push({context: cluster.context, namespace: object.namespace, action: 'prune', reason: 'copy removed (--delete)', resourceVersion: object.resourceVersion, existing: object});
    }
  }
  entries.sort((a, b) => a.context.localeCompare(b.context) || a.namespace.localeCompare(b.namespace));
  return {source: {...ref, exists: false}, entries, summary: summarize(entries)};
}
