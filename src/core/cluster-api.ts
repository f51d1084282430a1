import type {ConfigKind, ConfigObject} from './types.js';
import type {Workload, WorkloadKind} from './workload.js';

export interface WriteOptions {
  /** Server-side dry run: admission and validation run, nothing is stored. */
  dryRun?: boolean;
  fieldManager: string;
}

export interface ListOptions {
  labelSelector?: string;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
  phase?: string;
}

/**
 * Everything the commands need from one kubeconfig context. The only
 * implementation that talks to a cluster lives in src/kube/; unit tests may
 * pass an in-memory one.
 */
export interface ClusterApi {
  readonly context: string;
  /** API server URL, used to spot two contexts that point at the same cluster. */
  readonly server: string;
  /** Lists every object of a kind in a namespace (all pages), or in all namespaces when namespace is undefined. */
  listConfigObjects(kind: ConfigKind, namespace: string | undefined, options?: ListOptions): Promise<ConfigObject[]>;
  getConfigObject(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObject | undefined>;
  createConfigObject(object: ConfigObject, options: WriteOptions): Promise<ConfigObject>;
  /** PUT conditioned on object.resourceVersion: a 409 ConflictError when the object moved. */
  replaceConfigObject(object: ConfigObject, options: WriteOptions): Promise<ConfigObject>;
  /** Deletes, conditioned on resourceVersion when given. */
  deleteConfigObject(kind: ConfigKind, namespace: string, name: string, options: WriteOptions & {resourceVersion?: string}): Promise<void>;
  getNamespace(name: string): Promise<NamespaceInfo | undefined>;
  listNamespaces(options?: ListOptions): Promise<NamespaceInfo[]>;
  /** Every workload of a kind in a namespace (all pages), or in all namespaces when namespace is undefined. */
  listWorkloads(kind: WorkloadKind, namespace: string | undefined, options?: ListOptions): Promise<Workload[]>;
  getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | undefined>;
  /** Strategic-merge patch of the pod template's restartedAt annotation, as `kubectl rollout restart` does. */
  restartWorkload(kind: WorkloadKind, namespace: string, name: string, restartedAt: string, options: WriteOptions): Promise<Workload>;
  /** Every object of a kind named `name`, in all namespaces: one LIST with a field selector. */
  listConfigObjectsNamed(kind: ConfigKind, name: string): Promise<ConfigObject[]>;
  /** Streams changes until stop(); onEnd is called once when the stream ends for any other reason (the caller reconnects). */
  watch(resource: WatchResource, onEvent: (event: WatchEvent) => void, onEnd: (error?: Error) => void): WatchHandle;
}

/** What a watch follows: namespaces, or ConfigMaps/Secrets (in one namespace or all). */
export type WatchResource =
  | {kind: 'Namespace'}
  | {kind: ConfigKind; namespace?: string; labelSelector?: string; fieldSelector?: string};

/** One change seen by a watch: only identity; watchers read the current state again. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  namespace?: string;
}

export interface WatchHandle {
  stop(): void;
}
