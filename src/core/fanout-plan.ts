import {UsageError} from './errors.js';
import {dataChecksum, sha256} from './fingerprint.js';
import {sameRecord} from './object-content.js';
import {copyableAnnotations, copyableLabels, pick} from './owned-metadata.js';
import {compileNamespaceSelection, type NamespaceLike, type NamespaceSelection} from './namespace-select.js';
import {ownerFields, type Owner} from './owners.js';
import type {ConfigKind, ConfigObject} from './types.js';

/** Our own prefix for origin labels and annotations on copies. */
export const ORIGIN_PREFIX = 'configsync.kubectl.dev/';
export const ORIGIN_LABELS = {
  /** Hash of kind, cluster identity, namespace and name: the one label copies are listed by. */
  id: `${ORIGIN_PREFIX}origin-id`,
  name: `${ORIGIN_PREFIX}origin-name`,
  namespace: `${ORIGIN_PREFIX}origin-namespace`,
  /** Readable only (--cluster-name, else the identity): ownership never depends on it. */
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
/** Set on copies written by --from-annotations: when the source loses its Kubed annotation, they are pruned. */
export const FROM_ANNOTATIONS = `${ORIGIN_PREFIX}from-annotations`;

/** Kubed's marks, read when migrating. */
export const KUBED = {
  sync: 'kubed.appscode.com/sync',
  syncContexts: 'kubed.appscode.com/sync-contexts',
  originName: 'kubed.appscode.com/origin.name',
  originNamespace: 'kubed.appscode.com/origin.namespace',
  originCluster: 'kubed.appscode.com/origin.cluster',
} as const;

export type ConflictPolicy = 'skip' | 'overwrite' | 'adopt';

/**
 * Where the source lives. The cluster identity (kube-system UID, see ClusterApi.clusterIdentity)
 * identifies the cluster; the context is only how this run reached it.
 */
export interface SourceRef {
  kind: ConfigKind;
  name: string;
  namespace: string;
  context: string;
  /** API server URL of the source context, for messages and for copies written by earlier versions. */
  server: string;
  /** Cluster identity of the source. */
  cluster: string;
  /** --cluster-name: the readable origin-cluster label. */
  clusterName?: string;
  /**
   * Server URLs under which earlier versions may have marked copies of this source (they
   * hashed the URL, and named the context): the URLs of this run's contexts on the source cluster.
   */
  legacyServers?: string[];
}

export function originId(ref: Pick<SourceRef, 'kind' | 'name' | 'namespace' | 'cluster'>): string {
  return sha256(`${ref.kind}\ncluster:${ref.cluster}\n${ref.namespace}\n${ref.name}`).slice(0, 40);
}

/** The id label earlier versions gave copies: a hash over the server URL as the writer's context spelled it. */
function legacyOriginId(ref: Pick<SourceRef, 'kind' | 'name' | 'namespace'>, server: string): string {
  return sha256(`${ref.kind}\n${legacyServer(server)}\n${ref.namespace}\n${ref.name}`).slice(0, 40);
}

function legacyServer(server: string): string {
  return server.replace(/\/+$/, '').toLowerCase();
}

function legacyIds(ref: SourceRef): string[] {
  return [...new Set([ref.server, ...(ref.legacyServers ?? [])].map((server) => legacyOriginId(ref, server)))];
}

/** The label selector that finds every copy of this source, including those marked by earlier versions. */
export function originSelector(ref: SourceRef): string {
  return `${ORIGIN_LABELS.id} in (${[originId(ref), ...legacyIds(ref)].join(',')})`;
}

/** A valid label value: the text itself when it is one, otherwise a short hash of it. */
export function labelValue(text: string): string {
  if (text.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(text)) return text;
  return `sha256-${sha256(text).slice(0, 24)}`;
}

/** True only for our copy of exactly this source: the id label and the full reference (with the cluster identity) both match. */
export function isCopyOf(object: Pick<ConfigObject, 'labels' | 'annotations' | 'kind'>, ref: SourceRef): boolean {
  return copyMark(object, ref) !== undefined;
}

/**
 * How the copy is marked: 'current', or 'legacy' for a copy an earlier version marked with
 * the server URL and its context name (rewritten once, to the identity, by the next run).
 */
export function copyMark(object: Pick<ConfigObject, 'labels' | 'annotations' | 'kind'>, ref: SourceRef): 'current' | 'legacy' | undefined {
  if (object.kind !== ref.kind) return undefined;
  const origin = parseOrigin(object.annotations[ORIGIN_ANNOTATION]);
  if (!origin || origin.kind !== ref.kind || origin.name !== ref.name || origin.namespace !== ref.namespace) return undefined;
  const id = object.labels[ORIGIN_LABELS.id];
  if (origin.cluster !== undefined) return origin.cluster === ref.cluster && id === originId(ref) ? 'current' : undefined;
  return origin.server !== undefined && legacyIds(ref).includes(id) && legacyOriginId(ref, origin.server) === id ? 'legacy' : undefined;
}

export function parseOrigin(text: string | undefined): Partial<SourceRef> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A copy Kubed's config-syncer made of this source (same name and namespace). */
export function isKubedCopyOf(object: Pick<ConfigObject, 'labels'>, ref: SourceRef): boolean {
  return object.labels[KUBED.originName] === ref.name && object.labels[KUBED.originNamespace] === ref.namespace;
}

export interface CopyOptions {
  /** --strip-labels: copy neither labels nor annotations of the source. */
  stripLabels?: boolean;
  /** --from-annotations: the copy is marked as following the source's Kubed annotation. */
  fromAnnotations?: boolean;
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
      [ORIGIN_LABELS.cluster]: labelValue(ref.clusterName ?? ref.cluster),
    },
    annotations: {
      ...(options.stripLabels ? {} : copyableAnnotations(source)),
      // No context name or URL: either differs between colleagues, and every run would rewrite the copy.
      [ORIGIN_ANNOTATION]: JSON.stringify({kind: ref.kind, name: ref.name, namespace: ref.namespace, cluster: ref.cluster}),
      ...trackingAnnotation(source),
      ...(options.fromAnnotations ? {[FROM_ANNOTATIONS]: 'true'} : {}),
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
  /** The context this run writes through (one per cluster and namespace, however many reach it). */
  context: string;
  /** Identity of the target cluster; absent when the context could not be read. */
  cluster?: string;
  namespace: string;
  action: FanoutAction;
  /** How a same-name object that is not our copy was handled. */
  conflict?: ConflictPolicy | 'kubed-copy';
  /** What differs, for updates: data, binaryData, type, immutable, labels, annotations. */
  changes?: string[];
  /** The existing copy is immutable: it is deleted and created again. */
  recreate?: boolean;
  /** The copy was marked by an earlier version (server URL, context name): rewritten once to the cluster identity. */
  migrate?: boolean;
  reason?: string;
  /** resourceVersion of the existing object the write is conditioned on. */
  resourceVersion?: string;
  /** Body to create, or what the existing object should become (not part of the JSON output). */
  object?: ConfigObject;
  /** The existing object, as read: updates and deletes are conditioned on it (not part of the JSON output). */
  existing?: ConfigObject;
  /** Who else owns the existing object. */
  owner?: Owner;
  /** For an owner that reverts, prunes or overwrites: what it will do and how to keep the change. */
  ownerWarning?: string;
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
  /** What the plan could not look at, said on stderr. */
  warnings?: string[];
  /** Access review before writing: how many targets the caller may write, and which not. */
  preflight?: {total: number; writable: number; denied: Array<{context: string; namespace: string; verbs: string[]}>};
}

/** What was read through one target context. */
export interface ClusterRead {
  context: string;
  server: string;
  /** Identity of the cluster the context reaches; absent when reading it failed. */
  cluster?: string;
  /** Namespaces chosen as targets through this context. */
  targets: string[];
  /** Named namespaces that do not exist. */
  missing?: string[];
  /** Named namespaces being deleted. */
  terminating?: string[];
  /** Objects of the source's kind and name found in this cluster (copies and others). */
  objects: ConfigObject[];
  /** Reading this context failed: it is reported as an error. */
  error?: string;
  /** Read, but not everything (e.g. copies outside the named targets could not be listed). */
  warning?: string;
}

export interface FanoutPlanOptions extends CopyOptions {
  onConflict: ConflictPolicy;
  prune: boolean;
  /** Kubed migration: take over Kubed's copies of the source. */
  adoptKubedCopies?: boolean;
  /** Named in owner warnings (Argo CD's managedFieldsManagers). */
  fieldManager?: string;
}

/**
 * The plan, one entry per (cluster identity, namespace) however many contexts reach that
 * cluster: create / update / unchanged / conflict for the selected namespaces, and prune of
 * our copies that no target of the run selects in their cluster. When the source is gone
 * (undefined), every copy is pruned. A context that could not be read may be the cluster of
 * any copy, so while one is unread nothing is pruned anywhere.
 */
export function planFanout(
  ref: SourceRef,
  source: ConfigObject | undefined,
  clusters: ClusterRead[],
  options: FanoutPlanOptions,
): FanoutPlan {
  const entries: FanoutEntry[] = [];
  const unread = clusters.filter((c) => c.error || c.cluster === undefined);
  for (const cluster of unread) {
    entries.push({context: cluster.context, namespace: '*', action: 'error', reason: cluster.error ?? 'cluster identity unknown'});
  }
  const mayPrune = (options.prune || !source) && unread.length === 0;
  for (const group of groupByCluster(clusters.filter((c) => !unread.includes(c)))) {
    const identity = group[0].cluster!;
    // The first context that selects a namespace writes it; the others reach the same object.
    const writer = new Map<string, string>();
    for (const read of group) {
      for (const namespace of read.missing ?? []) {
        entries.push({context: read.context, cluster: identity, namespace, action: 'error', reason: `namespace "${namespace}" not found`});
      }
      for (const namespace of read.terminating ?? []) {
        entries.push({
          context: read.context,
          cluster: identity,
          namespace,
          action: 'error',
          reason: `namespace "${namespace}" is being deleted (Terminating) and refuses new objects`,
        });
      }
      for (const namespace of source ? read.targets : []) if (!writer.has(namespace)) writer.set(namespace, read.context);
    }
    const byNamespace = new Map<string, ConfigObject>();
    for (const read of group) {
      for (const object of read.objects) {
        if (object.kind === ref.kind && object.name === ref.name && !byNamespace.has(object.namespace))
          byNamespace.set(object.namespace, object);
      }
    }
    for (const namespace of [...writer.keys()].sort()) {
      if (isSource(ref, identity, namespace)) continue;
      entries.push({
        ...planTarget(ref, source!, writer.get(namespace)!, namespace, byNamespace.get(namespace), options),
        cluster: identity,
      });
    }
    if (!mayPrune) continue;
    for (const object of [...byNamespace.values()].sort((a, b) => a.namespace.localeCompare(b.namespace))) {
      if (writer.has(object.namespace) || isSource(ref, identity, object.namespace) || !isCopyOf(object, ref)) continue;
      // Already on its way out (finalizers pending): another DELETE would change nothing.
      if (object.deletionTimestamp) {
        entries.push({
          context: group[0].context,
          cluster: identity,
          namespace: object.namespace,
          action: 'unchanged',
          reason: 'already being deleted (finalizers pending)',
        });
        continue;
      }
      entries.push({
        context: group[0].context,
        cluster: identity,
        namespace: object.namespace,
        action: 'prune',
        reason: source ? 'namespace no longer selected' : 'source gone',
        resourceVersion: object.resourceVersion,
        existing: object,
      });
    }
  }
  entries.sort(byContextAndNamespace);
  const warnings = clusters.flatMap((c) => (c.warning ? [c.warning] : []));
  return {
    source: {
      ...ref,
      exists: source !== undefined,
      checksum: source ? dataChecksum(source) : undefined,
      resourceVersion: source?.resourceVersion,
    },
    entries,
    summary: summarize(entries),
    ...(warnings.length > 0 ? {warnings} : {}),
  };
}

/** Reads grouped by cluster identity, in the order the contexts were given. */
function groupByCluster<T extends {cluster?: string}>(reads: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const read of reads) {
    const group = groups.get(read.cluster!) ?? [];
    group.push(read);
    groups.set(read.cluster!, group);
  }
  return [...groups.values()];
}

function byContextAndNamespace(a: {context: string; namespace: string}, b: {context: string; namespace: string}): number {
  return a.context.localeCompare(b.context) || a.namespace.localeCompare(b.namespace);
}

/** The wanted metadata plus every key of the existing object that is not ours (under one of `ours`). */
function keepForeign(existing: Record<string, string>, wanted: Record<string, string>, ours: string[]): Record<string, string> {
  return {...pick(existing, (key) => !ours.some((prefix) => key.startsWith(prefix))), ...wanted};
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
  const keys = [...Object.keys(desired.data), ...Object.keys(desired.binaryData)];
  const base = {context, namespace, ...(existing ? ownerFields(existing, keys, options.fieldManager) : {})};
  if (!existing) return {...base, action: 'create', object: desired};

  if (existing.deletionTimestamp) {
    return {
      ...base,
      action: 'error',
      reason: `${existing.kind === 'Secret' ? 'secret' : 'configmap'}/${existing.name} is being deleted (finalizers pending) and cannot be written`,
      resourceVersion: existing.resourceVersion,
    };
  }
  let conflict: FanoutEntry['conflict'];
  let wanted = desired;
  const mark = copyMark(existing, ref);
  if (mark === undefined) {
    if (options.adoptKubedCopies && isKubedCopyOf(existing, ref)) conflict = 'kubed-copy';
    else conflict = options.onConflict;
    if (conflict === 'skip') {
      return {
        ...base,
        action: 'conflict',
        conflict,
        reason: 'an object with this name exists and is not a copy of this source',
        resourceVersion: existing.resourceVersion,
      };
    }
    // overwrite: the object gets the source's data but keeps its own metadata and stays unmarked;
    // it is someone else's, so it is never made immutable (its owner could no longer change it).
    if (conflict === 'overwrite')
      wanted = {...existing, data: desired.data, binaryData: desired.binaryData, type: desired.type, immutable: existing.immutable};
  } else if (mark === 'current' && ref.clusterName === undefined && existing.labels[ORIGIN_LABELS.cluster] !== undefined) {
    // The readable label is whatever the last --cluster-name said: a run without one leaves it.
    wanted = {...desired, labels: {...desired.labels, [ORIGIN_LABELS.cluster]: existing.labels[ORIGIN_LABELS.cluster]}};
  }
  // Labels and annotations others put on the copy (a controller, Helm before an adopt) stay: a copy's
  // update sets the source's and ours, and removes only our own marks that no longer apply.
  // Adopting a Kubed copy takes Kubed's marks off it too: it is ours from now on.
  const ours = conflict === 'kubed-copy' ? [ORIGIN_PREFIX, 'kubed.appscode.com/'] : [ORIGIN_PREFIX];
  if (conflict !== 'overwrite')
    wanted = {
      ...wanted,
      labels: keepForeign(existing.labels, wanted.labels, ours),
      annotations: keepForeign(existing.annotations, wanted.annotations, ours),
    };
  const changes = differences(existing, wanted, conflict !== 'overwrite');
  const resourceVersion = existing.resourceVersion;
  // Adopting a Kubed copy replaces Kubed: its warning ("change the source instead") does not apply.
  const adopting = conflict === 'kubed-copy' ? {ownerWarning: undefined} : {};
  if (changes.length === 0) return {...base, ...adopting, action: 'unchanged', conflict, resourceVersion};
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
    ...adopting,
    action: 'update',
    conflict,
    changes,
    recreate: recreate || undefined,
    migrate: mark === 'legacy' || undefined,
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

function isSource(ref: SourceRef, cluster: string, namespace: string): boolean {
  return namespace === ref.namespace && cluster === ref.cluster;
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

/** A target context as the command resolved it, before its namespaces are chosen. */
export interface TargetCluster {
  context: string;
  server: string;
  /** Identity of the cluster the context reaches. */
  cluster: string;
  /** Namespace used when no namespace selection is given: the context's own, or the source's. */
  defaultNamespace: string;
}

export interface TargetChoice {
  context: string;
  targets: string[];
  missing: string[];
  /** Named namespaces being deleted. */
  terminating: string[];
}

/**
 * Chooses the namespaces in each cluster and refuses what must never happen:
 * the source as its own target, and two targets that are one cluster and namespace,
 * whatever contexts or host names reach them.
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
    let missing: string[];
    let terminating: string[];
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
      if (isSource(ref, cluster.cluster, namespace) && named.has(namespace)) {
        const via = cluster.context === ref.context ? '' : ` (context "${cluster.context}" reaches the source's cluster)`;
        throw new UsageError(
          `target ${cluster.context}/${namespace} is the source itself: same cluster and namespace${via}; name other namespaces or contexts`,
        );
      }
    }
    targets = targets.filter((n) => !isSource(ref, cluster.cluster, n));
    for (const namespace of [...targets, ...missing]) {
      const key = `${cluster.cluster} ${namespace}`;
      const other = seen.get(key);
      if (other && other !== cluster.context) {
        throw new UsageError(
          `targets ${other}/${namespace} and ${cluster.context}/${namespace} are the same place (one cluster, identity ${cluster.cluster}); name each cluster once`,
        );
      }
      seen.set(key, cluster.context);
    }
    choices.push({context: cluster.context, targets, missing, terminating});
  }
  return choices;
}

export type CopyState = 'in-sync' | 'stale' | 'edited' | 'orphaned' | 'missing';

export interface CopyStatus {
  context: string;
  cluster?: string;
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
 * Audits copies, one row per copy (cluster identity and namespace) however many contexts
 * saw it: orphaned when the source is gone, edited when the copy's data no longer matches
 * what was written, stale when the source changed since, else in sync.
 * ConfigMap copies are judged by the checksum they record; Secret copies, which record
 * none, by comparing their data with the live source and the source version they record.
 * With `expected` targets, a target without a copy is missing.
 */
export function planFanoutStatus(
  ref: SourceRef,
  source: ConfigObject | undefined,
  copies: Array<{context: string; cluster: string; object: ConfigObject}>,
  expected: Array<{context: string; cluster: string; namespace: string}> = [],
): FanoutStatus {
  const checksum = source ? dataChecksum(source) : undefined;
  const rows: CopyStatus[] = [];
  const covered = new Set<string>();
  for (const {context, cluster, object} of copies) {
    const key = `${cluster} ${object.namespace}`;
    if (!isCopyOf(object, ref) || covered.has(key)) continue;
    covered.add(key);
    const actual = dataChecksum(object);
    if (object.kind === 'Secret') {
      rows.push({context, cluster, namespace: object.namespace, state: secretCopyState(object, source), actual});
      continue;
    }
    const recorded = object.annotations[CHECKSUM_ANNOTATION];
    const state: CopyState = !source ? 'orphaned' : recorded !== actual ? 'edited' : recorded !== checksum ? 'stale' : 'in-sync';
    rows.push({context, cluster, namespace: object.namespace, state, recorded, actual});
  }
  if (source) {
    for (const target of expected) {
      const key = `${target.cluster} ${target.namespace}`;
      if (covered.has(key)) continue;
      covered.add(key);
      rows.push({context: target.context, cluster: target.cluster, namespace: target.namespace, state: 'missing'});
    }
  }
  rows.sort(byContextAndNamespace);
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

/**
 * The plan of `fanout --delete`: every copy of this source, once per cluster and namespace,
 * and nothing else — never the source itself, whichever context reaches it.
 */
export function planFanoutDelete(
  ref: SourceRef,
  clusters: Array<{context: string; cluster?: string; objects: ConfigObject[]; error?: string}>,
): FanoutPlan {
  const entries: FanoutEntry[] = [];
  const seen = new Set<string>();
  for (const cluster of clusters) {
    if (cluster.error || cluster.cluster === undefined) {
      entries.push({context: cluster.context, namespace: '*', action: 'error', reason: cluster.error ?? 'cluster identity unknown'});
      continue;
    }
    for (const object of cluster.objects) {
      const key = `${cluster.cluster} ${object.namespace}`;
      if (!isCopyOf(object, ref) || isSource(ref, cluster.cluster, object.namespace) || seen.has(key)) continue;
      seen.add(key);
      if (object.deletionTimestamp) {
        entries.push({
          context: cluster.context,
          cluster: cluster.cluster,
          namespace: object.namespace,
          action: 'unchanged',
          reason: 'already being deleted (finalizers pending)',
        });
        continue;
      }
      entries.push({
        context: cluster.context,
        cluster: cluster.cluster,
        namespace: object.namespace,
        action: 'prune',
        // Tense-free: the plan's reason reads the same in a preview and in the result.
        reason: 'copy of this source (--delete)',
        resourceVersion: object.resourceVersion,
        existing: object,
      });
    }
  }
  entries.sort(byContextAndNamespace);
  return {source: {...ref, exists: false}, entries, summary: summarize(entries)};
}

/**
 * --from-annotations: copies it wrote (marked FROM_ANNOTATIONS), in this cluster and in the other
 * clusters read (`elsewhere`), whose source in this cluster no longer carries a Kubed annotation,
 * or is gone, are pruned as Kubed does. Only our exact copies
 * of that source are touched (isCopyOf); copies written by a plain fanout carry no mark.
 */
export function planAnnotationRemoved(
  base: Pick<SourceRef, 'context' | 'server' | 'cluster' | 'legacyServers'>,
  objects: ConfigObject[],
  annotated: (ref: Pick<SourceRef, 'kind' | 'name' | 'namespace'>) => boolean,
  /** Copies read in the other clusters its sources may sync to (sync-contexts): pruned there too. */
  elsewhere: Array<{context: string; cluster: string; objects: ConfigObject[]}> = [],
): FanoutPlan[] {
  const clusters = [{context: base.context, cluster: base.cluster, objects}, ...elsewhere];
  const bySource = new Map<string, {ref: SourceRef; copies: Map<string, ConfigObject[]>}>();
  for (const {cluster, objects: found} of clusters)
    for (const object of found) {
      if (object.annotations[FROM_ANNOTATIONS] === undefined) continue;
      const origin = parseOrigin(object.annotations[ORIGIN_ANNOTATION]);
      if (!origin?.kind || !origin.name || !origin.namespace || origin.cluster !== base.cluster) continue;
      const ref: SourceRef = {...base, kind: origin.kind, name: origin.name, namespace: origin.namespace};
      if (annotated(ref) || !isCopyOf(object, ref)) continue;
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      const group = bySource.get(key) ?? {ref, copies: new Map<string, ConfigObject[]>()};
      group.copies.set(cluster, [...(group.copies.get(cluster) ?? []), object]);
      bySource.set(key, group);
    }
  return [...bySource.values()].map(({ref, copies}) => {
    const plan = planFanoutDelete(
      ref,
      clusters.filter((c) => copies.has(c.cluster)).map((c) => ({context: c.context, cluster: c.cluster, objects: copies.get(c.cluster)!})),
    );
    for (const entry of plan.entries) entry.reason = 'the source no longer carries a Kubed annotation';
    return plan;
  });
}
