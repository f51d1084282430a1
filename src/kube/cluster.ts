import {readFileSync} from 'node:fs';
import type {
  AccessVerb,
  ClusterApi,
  ClusterIdentity,
  ConfigPatch,
  DeletePreconditions,
  ListOptions,
  NamespaceInfo,
  WatchEvent,
  WatchHandle,
  WatchResource,
  WriteOptions,
} from '../core/cluster-api.js';
import type {ConfigKind, ConfigObject} from '../core/types.js';
import type {Workload, WorkloadKind} from '../core/workload.js';
import {endpointIdentity, uidIdentity} from '../core/cluster-identity.js';
import {decodeSecretData, encodeSecretData} from '../core/secret-bytes.js';
import type {KubeConfig} from './client-node.js';
import {connectionSettings} from './credentials.js';
import type {RequestScope} from './errors.js';
import type {RequestLogSink} from './request-log.js';
import {Transport, type ApiRequest, type SendOptions} from './transport.js';
import type {
  WireAccessReview,
  WireConfigMap,
  WireList,
  WireNamespace,
  WireObjectMeta,
  WireSecret,
  WireUpdateStrategy,
  WireWatchEvent,
  WireWorkload,
} from './wire.js';

const PAGE_SIZE = 500;
// Metadata only (names, labels, annotations, no data): the server answers in the usual list shape.
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_ITEM = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
/** Watches are re-opened this often (the server ends them), which also catches silent disconnects. */
const WATCH_SECONDS = 300;

export interface ClusterOptions {
  /** Per-request timeout in milliseconds; 0 means none. */
  requestTimeoutMs: number;
  /** -v=6 and above: one line per request (src/kube/request-log.ts). */
  requestLog?: RequestLogSink;
  /** stderr, for the one note when the cluster identity falls back to the server URL and CA. */
  note?: (text: string) => void;
  /** --as-group. */
  impersonateGroup?: string;
}

const WORKLOAD_RESOURCES: Record<WorkloadKind, string> = {Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets'};

/** ClusterApi for one kubeconfig context: requests through the transport, kubeconfig and credentials from client-node. */
export class KubeCluster implements ClusterApi {
  private readonly transport: Transport;
  private identity?: Promise<ClusterIdentity>;

  constructor(
    readonly context: string,
    readonly server: string,
    private readonly kubeConfig: KubeConfig,
    private readonly options: ClusterOptions,
  ) {
    this.transport = new Transport({
      context,
      server,
      requestTimeoutMs: options.requestTimeoutMs,
      settings: connectionSettings(kubeConfig, context, {impersonateGroup: options.impersonateGroup}),
      requestLog: options.requestLog,
    });
  }

  /**
   * The kube-system namespace's UID, read once. A caller who may not read it (403) gets the
   * server URL and CA fingerprint instead, with a note: that identity differs from the UID,
   * so copies written under one are not recognised under the other.
   */
  clusterIdentity(): Promise<ClusterIdentity> {
    this.identity ??= this.getNamespace('kube-system').then(
      (namespace) => {
        if (namespace?.uid) return uidIdentity(namespace.uid);
        return this.fallbackIdentity('namespace kube-system not found');
      },
      (error: unknown) => {
        if ((error as {status?: number}).status !== 403) throw error;
        return this.fallbackIdentity('may not read namespace kube-system');
      },
    );
    return this.identity;
  }

  private fallbackIdentity(why: string): ClusterIdentity {
    const cluster = this.kubeConfig.getCurrentCluster();
    let ca: string | undefined;
    try {
      ca = cluster?.caData
        ? Buffer.from(cluster.caData, 'base64').toString('utf8')
        : cluster?.caFile
          ? readFileSync(cluster.caFile, 'utf8')
          : undefined;
    } catch {
      ca = undefined;
    }
    const identity = endpointIdentity(this.server, ca);
    this.options.note?.(
      `note: context "${this.context}": ${why}; identifying the cluster by its server URL and CA (${identity.id}) instead of the kube-system UID`,
    );
    return identity;
  }

  listConfigObjects(kind: ConfigKind, namespace: string | undefined, options: ListOptions = {}): Promise<ConfigObject[]> {
    const what = `${plural(kind)} ${namespace ? `in namespace "${namespace}"` : 'in all namespaces'}`;
    return this.listAll(configPath(kind, namespace), {labelSelector: options.labelSelector}, what, (item: WireConfigMap | WireSecret) =>
      fromWire(kind, item),
    );
  }

  listConfigObjectsNamed(kind: ConfigKind, name: string): Promise<ConfigObject[]> {
    return this.listAll(
      configPath(kind, undefined),
      {fieldSelector: `metadata.name=${name}`},
      `${plural(kind)} named "${name}" in all namespaces`,
      (item: WireConfigMap | WireSecret) => fromWire(kind, item),
    );
  }

  /**
   * The objects' metadata only (PartialObjectMetadataList: no data), for callers that need
   * names, labels and annotations of many objects and read full objects on demand.
   */
  listConfigMetadata(kind: ConfigKind, namespace: string | undefined, options: ListOptions = {}): Promise<ConfigObject[]> {
    const what = `${plural(kind)} (metadata) ${namespace ? `in namespace "${namespace}"` : 'in all namespaces'}`;
    return this.listAll(
      configPath(kind, namespace),
      {labelSelector: options.labelSelector},
      what,
      (item: WireConfigMap | WireSecret) => fromWire(kind, item),
      METADATA_LIST,
    );
  }

  async getConfigObject(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObject | undefined> {
    const item = await this.send<WireConfigMap | WireSecret | undefined>(
      {method: 'GET', path: configPath(kind, namespace, name)},
      {verb: 'get', what: describe(kind, namespace, name)},
      {missingIsUndefined: true},
    );
    return item && fromWire(kind, item);
  }

  async createConfigObject(object: ConfigObject, options: WriteOptions): Promise<ConfigObject> {
    const {name, namespace, kind} = object;
    const body =
      kind === 'Secret' ? toSecret({...object, resourceVersion: undefined}) : toConfigMap({...object, resourceVersion: undefined});
    const created = await this.send<WireConfigMap | WireSecret | ConfigObject>(
      {method: 'POST', path: configPath(kind, namespace), query: writeQuery(options), body},
      {verb: 'create', what: describe(kind, namespace, name)},
      {recover: () => this.alreadyWritten(object, options)},
    );
    return isConfigObject(created) ? created : fromWire(kind, created);
  }

  async patchConfigObject(
    kind: ConfigKind,
    namespace: string,
    name: string,
    patch: ConfigPatch,
    options: WriteOptions,
  ): Promise<ConfigObject> {
    if (!patch.resourceVersion)
      throw new Error(`refusing an unconditional write of ${describe(kind, namespace, name)}: no resourceVersion`);
    // A resourceVersion inside a merge patch makes the server refuse it (409) when the object moved.
    const patched = await this.send<WireConfigMap | WireSecret | ConfigObject>(
      {
        method: 'PATCH',
        path: configPath(kind, namespace, name),
        query: writeQuery(options),
        body: toMergePatch(kind, patch),
        contentType: 'application/merge-patch+json',
      },
      {verb: 'patch', what: describe(kind, namespace, name)},
      {recover: () => this.alreadyPatched(kind, namespace, name, patch, options)},
    );
    return isConfigObject(patched) ? patched : fromWire(kind, patched);
  }

  async deleteConfigObject(kind: ConfigKind, namespace: string, name: string, options: WriteOptions & DeletePreconditions): Promise<void> {
    const preconditions = options.resourceVersion || options.uid ? {resourceVersion: options.resourceVersion, uid: options.uid} : undefined;
    // The server reads DeleteOptions from the body and ignores the dryRun query parameter when a body is
    // sent, so the dry run must travel in the body: otherwise a "dry run" deletes for real.
    await this.send<unknown>(
      {
        method: 'DELETE',
        path: configPath(kind, namespace, name),
        query: {dryRun: options.dryRun ? 'All' : undefined},
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(options.dryRun ? {dryRun: ['All']} : {}),
          ...(preconditions ? {preconditions} : {}),
        },
      },
      {verb: 'delete', what: describe(kind, namespace, name)},
      {recover: async (status) => (status === 404 ? {value: undefined} : undefined)},
    );
  }

  async canI(verb: AccessVerb, kind: ConfigKind, namespace?: string): Promise<boolean> {
    const where = namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`;
    const review = await this.send<WireAccessReview>(
      {
        method: 'POST',
        path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {resourceAttributes: {verb, resource: plural(kind), namespace}},
        },
      },
      {verb: 'create', what: `selfsubjectaccessreview for ${verb} ${plural(kind)} ${where}`},
    );
    return review?.status?.allowed === true;
  }

  async getNamespace(name: string): Promise<NamespaceInfo | undefined> {
    const namespace = await this.send<WireNamespace | undefined>(
      {method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(name)}`},
      {verb: 'get', what: `namespace "${name}"`},
      {missingIsUndefined: true},
    );
    return namespace && fromNamespace(namespace, name);
  }

  listNamespaces(options: ListOptions = {}): Promise<NamespaceInfo[]> {
    return this.listAll('/api/v1/namespaces', {labelSelector: options.labelSelector}, 'namespaces', (item: WireNamespace) =>
      fromNamespace(item, item.metadata?.name ?? ''),
    );
  }

  listWorkloads(kind: WorkloadKind, namespace: string | undefined, options: ListOptions = {}): Promise<Workload[]> {
    const where = namespace === undefined ? 'all namespaces' : `namespace "${namespace}"`;
    return this.listAll(
      workloadPath(kind, namespace),
      {labelSelector: options.labelSelector},
      `${kind.toLowerCase()}s in ${where}`,
      (item: WireWorkload) => toWorkload(kind, item),
    );
  }

  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | undefined> {
    const item = await this.send<WireWorkload | undefined>(
      {method: 'GET', path: workloadPath(kind, namespace, name)},
      {verb: 'get', what: `${kind.toLowerCase()}/${name} in namespace "${namespace}"`},
      {missingIsUndefined: true},
    );
    return item && toWorkload(kind, item);
  }

  async restartWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    restartedAt: string,
    options: WriteOptions,
  ): Promise<Workload> {
    const item = await this.send<WireWorkload>(
      {
        method: 'PATCH',
        path: workloadPath(kind, namespace, name),
        query: writeQuery(options),
        body: {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': restartedAt}}}}},
        contentType: 'application/strategic-merge-patch+json',
      },
      {verb: 'patch', what: `${kind.toLowerCase()}/${name} in namespace "${namespace}"`},
    );
    return toWorkload(kind, item);
  }

  watch(resource: WatchResource, onEvent: (event: WatchEvent) => void, onEnd: (error?: Error) => void): WatchHandle {
    const what =
      resource.kind === 'Namespace'
        ? 'namespaces'
        : `${plural(resource.kind)} ${resource.namespace ? `in namespace "${resource.namespace}"` : 'in all namespaces'}`;
    const path = resource.kind === 'Namespace' ? '/api/v1/namespaces' : configPath(resource.kind, resource.namespace);
    const query =
      resource.kind === 'Namespace'
        ? {watch: true, allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS}
        : {
            watch: true,
            allowWatchBookmarks: true,
            timeoutSeconds: WATCH_SECONDS,
            labelSelector: resource.labelSelector,
            fieldSelector: resource.fieldSelector,
          };
    let failed = false;
    // Watchers only need names (events say "look again"): metadata only, so memory does not follow object size.
    // The server closes the stream after timeoutSeconds; silence beyond that means a dead connection.
    const stream = this.transport.watch(
      {method: 'GET', path, query, accept: METADATA_ITEM},
      this.scope('watch', what),
      (WATCH_SECONDS + 30) * 1000,
      (line) => {
        if (failed) return;
        const {type, object} = line as WireWatchEvent;
        if (type === 'ERROR') {
          failed = true;
          stream.stop();
          onEnd(new Error(object?.message ?? `watch error ${object?.code ?? ''}`));
          return;
        }
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
        onEvent({type, name: object?.metadata?.name ?? '', namespace: object?.metadata?.namespace});
      },
      (error) => {
        if (!failed) onEnd(error);
      },
    );
    return {stop: () => stream.stop()};
  }

  /**
   * A request beyond the config seam (the controller's Lease and Events): the same transport,
   * credentials, timeout, retries and request log. Not a config write: see write-path.ts.
   */
  request<T>(request: ApiRequest, verb: string, what: string, options?: SendOptions<T>): Promise<T> {
    return this.send<T>(request, {verb, what}, options);
  }

  private scope(verb: string, what: string): RequestScope {
    return {context: this.context, verb, what};
  }

  private send<T>(request: ApiRequest, scope: Omit<RequestScope, 'context'>, options?: SendOptions<T>): Promise<T> {
    return this.transport.send<T>(request, {context: this.context, ...scope}, options);
  }

  /** Every page of a LIST (limit and continue), each item converted. */
  private async listAll<W, T>(
    path: string,
    query: Record<string, string | undefined>,
    what: string,
    convert: (item: W) => T,
    accept?: string,
  ): Promise<T[]> {
    const result: T[] = [];
    let next: string | undefined;
    do {
      const page = await this.send<WireList<W>>(
        {method: 'GET', path, query: {...query, limit: PAGE_SIZE, continue: next}, accept},
        {verb: 'list', what},
      );
      for (const item of page?.items ?? []) result.push(convert(item));
      next = page?.metadata?.continue || undefined;
    } while (next);
    return result;
  }

  /** After a retried patch: the object already holds every field the patch sets. */
  private async alreadyPatched(
    kind: ConfigKind,
    namespace: string,
    name: string,
    patch: ConfigPatch,
    options: WriteOptions,
  ): Promise<{value: ConfigObject} | undefined> {
    if (options.dryRun) return undefined;
    const current = await this.getConfigObject(kind, namespace, name);
    return current && holdsPatch(current, patch) ? {value: current} : undefined;
  }

  /** After a retried create or update: the object already holds what we meant to write. */
  private async alreadyWritten(object: ConfigObject, options: WriteOptions): Promise<{value: ConfigObject} | undefined> {
    if (options.dryRun) return undefined;
    const current = await this.getConfigObject(object.kind, object.namespace, object.name);
    return current && sameContent(current, object) ? {value: current} : undefined;
  }
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return {fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined};
}

function configPath(kind: ConfigKind, namespace: string | undefined, name?: string): string {
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `/api/v1${scope}/${plural(kind)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

function workloadPath(kind: WorkloadKind, namespace: string | undefined, name?: string): string {
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `/apis/apps/v1${scope}/${WORKLOAD_RESOURCES[kind]}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/** A recovered write answers with the object as read back, already converted; the server's answer has metadata. */
function isConfigObject(value: WireConfigMap | WireSecret | ConfigObject): value is ConfigObject {
  return !('metadata' in value);
}

function fromWire(kind: ConfigKind, item: WireConfigMap | WireSecret): ConfigObject {
  return kind === 'Secret' ? fromSecret(item) : fromConfigMap(item);
}

function fromNamespace(namespace: WireNamespace, name: string): NamespaceInfo {
  return {name, uid: namespace.metadata?.uid, labels: namespace.metadata?.labels ?? {}, phase: namespace.status?.phase};
}

function sameContent(current: ConfigObject, wanted: ConfigObject): boolean {
  const same = (a: Record<string, string>, b: Record<string, string>) =>
    JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const includes = (all: Record<string, string>, some: Record<string, string>) => Object.entries(some).every(([k, v]) => all[k] === v);
  return (
    same(current.data, wanted.data) &&
    same(current.binaryData, wanted.binaryData) &&
    (current.type ?? 'Opaque') === (wanted.type ?? 'Opaque') &&
    includes(current.labels, wanted.labels) &&
    includes(current.annotations, wanted.annotations)
  );
}

function holdsPatch(current: ConfigObject, patch: ConfigPatch): boolean {
  const holds = (record: Record<string, string>, changes: Record<string, string | null> | undefined) =>
    Object.entries(changes ?? {}).every(([key, value]) => (value === null ? !Object.hasOwn(record, key) : record[key] === value));
  const data =
    current.kind === 'Secret'
      ? holds(secretWireData(current), secretPatchData(patch))
      : holds(current.data, patch.data) && holds(current.binaryData, patch.binaryData);
  return (
    data &&
    holds(current.labels, patch.labels) &&
    holds(current.annotations, patch.annotations) &&
    (!patch.immutable || current.immutable === true)
  );
}

/** A Secret's data as the server holds it: every value base64. */
function secretWireData(object: Pick<ConfigObject, 'data' | 'binaryData'>): Record<string, string> {
  return encodeSecretData(object);
}

/** A Secret patch on the wire: each key is in one section of the patch (planPatch sees to it), nulls remove. */
function secretPatchData(patch: ConfigPatch): Record<string, string | null> {
  const wire: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(patch.data ?? {}))
    wire[key] = value === null ? null : Buffer.from(value, 'utf8').toString('base64');
  for (const [key, value] of Object.entries(patch.binaryData ?? {})) if (value !== null || !Object.hasOwn(wire, key)) wire[key] = value;
  return wire;
}

/** The JSON merge patch body: only the fields that change, plus the resourceVersion precondition. */
function toMergePatch(kind: ConfigKind, patch: ConfigPatch): object {
  const metadata: Record<string, unknown> = {resourceVersion: patch.resourceVersion};
  if (patch.labels && Object.keys(patch.labels).length > 0) metadata.labels = patch.labels;
  if (patch.annotations && Object.keys(patch.annotations).length > 0) metadata.annotations = patch.annotations;
  const body: Record<string, unknown> = {metadata};
  if (kind === 'Secret') {
    const data = secretPatchData(patch);
    if (Object.keys(data).length > 0) body.data = data;
  } else {
    if (patch.data && Object.keys(patch.data).length > 0) body.data = patch.data;
    if (patch.binaryData && Object.keys(patch.binaryData).length > 0) body.binaryData = patch.binaryData;
  }
  if (patch.immutable) body.immutable = true;
  return body;
}

function plural(kind: ConfigKind): string {
  return kind === 'Secret' ? 'secrets' : 'configmaps';
}

function describe(kind: ConfigKind, namespace: string, name: string): string {
  return `${kind === 'Secret' ? 'secret' : 'configmap'}/${name} in namespace "${namespace}"`;
}

function fromConfigMap(item: WireConfigMap): ConfigObject {
  return {
    kind: 'ConfigMap',
    name: item.metadata?.name ?? '',
    namespace: item.metadata?.namespace ?? '',
    resourceVersion: item.metadata?.resourceVersion,
    uid: item.metadata?.uid,
    immutable: item.immutable ?? undefined,
    labels: {...item.metadata?.labels},
    annotations: {...item.metadata?.annotations},
    data: {...item.data},
    binaryData: {...item.binaryData},
    ...metadataExtras(item.metadata),
  };
}

function toConfigMap(object: ConfigObject): WireConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: object.name,
      namespace: object.namespace,
      resourceVersion: object.resourceVersion,
      labels: emptyToUndefined(object.labels),
      annotations: emptyToUndefined(object.annotations),
      ownerReferences: object.ownerReferences?.length ? object.ownerReferences : undefined,
      finalizers: object.finalizers?.length ? object.finalizers : undefined,
    },
    immutable: object.immutable || undefined,
    data: emptyToUndefined(object.data),
    binaryData: emptyToUndefined(object.binaryData),
  };
}

/** Secret values that are valid UTF-8 become text; anything else stays base64 in binaryData; every byte is kept. */
function fromSecret(item: WireSecret): ConfigObject {
  const {data, binaryData} = decodeSecretData(item.data ?? {});
  return {
    kind: 'Secret',
    name: item.metadata?.name ?? '',
    namespace: item.metadata?.namespace ?? '',
    resourceVersion: item.metadata?.resourceVersion,
    uid: item.metadata?.uid,
    type: item.type,
    immutable: item.immutable ?? undefined,
    labels: {...item.metadata?.labels},
    annotations: {...item.metadata?.annotations},
    data,
    binaryData,
    ...metadataExtras(item.metadata),
  };
}

function toSecret(object: ConfigObject): WireSecret {
  const data = encodeSecretData(object);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: object.name,
      namespace: object.namespace,
      resourceVersion: object.resourceVersion,
      labels: emptyToUndefined(object.labels),
      annotations: emptyToUndefined(object.annotations),
      ownerReferences: object.ownerReferences?.length ? object.ownerReferences : undefined,
      finalizers: object.finalizers?.length ? object.finalizers : undefined,
    },
    type: object.type,
    immutable: object.immutable || undefined,
    data: emptyToUndefined(data),
  };
}

function toWorkload(kind: WorkloadKind, item: WireWorkload): Workload {
  return {
    kind,
    name: item.metadata?.name ?? '',
    namespace: item.metadata?.namespace ?? '',
    resourceVersion: item.metadata?.resourceVersion,
    generation: item.metadata?.generation,
    paused: item.spec?.paused ?? undefined,
    replicas: item.spec?.replicas,
    updateStrategy: strategyOf(kind === 'Deployment' ? item.spec?.strategy : item.spec?.updateStrategy),
    templateAnnotations: {...item.spec?.template?.metadata?.annotations},
    podSpec: item.spec?.template?.spec ?? {containers: []},
    status: {...item.status},
  };
}

function strategyOf(strategy: WireUpdateStrategy | undefined): Workload['updateStrategy'] {
  if (!strategy) return undefined;
  return {type: strategy.type, partition: strategy.rollingUpdate?.partition ?? undefined};
}

/** What a write must keep and a restore must put back, beyond labels and annotations. */
function metadataExtras(metadata: WireObjectMeta | undefined): Pick<ConfigObject, 'ownerReferences' | 'finalizers' | 'deletionTimestamp'> {
  const extras: Pick<ConfigObject, 'ownerReferences' | 'finalizers' | 'deletionTimestamp'> = {};
  if (metadata?.ownerReferences?.length) {
    extras.ownerReferences = metadata.ownerReferences.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.name,
      uid: o.uid,
      ...(o.controller !== undefined ? {controller: o.controller} : {}),
      ...(o.blockOwnerDeletion !== undefined ? {blockOwnerDeletion: o.blockOwnerDeletion} : {}),
    }));
  }
  if (metadata?.finalizers?.length) extras.finalizers = [...metadata.finalizers];
  if (metadata?.deletionTimestamp) extras.deletionTimestamp = new Date(metadata.deletionTimestamp).toISOString();
  return extras;
}

function emptyToUndefined<T extends Record<string, string>>(record: T | undefined): T | undefined {
  return record && Object.keys(record).length > 0 ? record : undefined;
}
