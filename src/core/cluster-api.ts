import type {ConfigKind, ConfigObject} from './types.js';
import type {Workload, WorkloadKind} from './workload.js';

export interface WriteOptions {
  /** Server-side dry run: admission and validation run, nothing is stored. */
  dryRun?: boolean;
  fieldManager: string;
}

export interface DeletePreconditions {
  resourceVersion?: string;
  uid?: string;
}

/**
 * The fields one update changes; a value of null removes that key. Secret values are
 * given in the tool's model (text in data, base64 in binaryData) and encoded by the seam.
 */
export interface ConfigPatch {
  /** The version the patch was computed from: the precondition. */
  resourceVersion: string;
  data?: Record<string, string | null>;
  binaryData?: Record<string, string | null>;
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  immutable?: true;
}

export interface ListOptions {
  labelSelector?: string;
}

export interface NamespaceInfo {
  name: string;
  uid?: string;
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
  /** API server URL as the kubeconfig spells it: for messages, never for identity. */
  readonly server: string;
  /**
   * Which cluster this context reaches, whatever host name or context name it uses: read once
   * per run. Same-cluster checks, ownership of copies and plans compare this, never a name or URL.
   */
  clusterIdentity(): Promise<ClusterIdentity>;
  /** Lists every object of a kind in a namespace (all pages), or in all namespaces when namespace is undefined. */
  listConfigObjects(kind: ConfigKind, namespace: string | undefined, options?: ListOptions): Promise<ConfigObject[]>;
  /**
   * As listConfigObjects, but metadata only (PartialObjectMetadata: no data, so memory does not
   * follow the size of objects that are only looked at). Optional: callers fall back to the full list.
   */
  listConfigMetadata?(kind: ConfigKind, namespace: string | undefined, options?: ListOptions): Promise<ConfigObject[]>;
  getConfigObject(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObject | undefined>;
  createConfigObject(object: ConfigObject, options: WriteOptions): Promise<ConfigObject>;
  /**
   * A JSON merge patch of exactly the fields in `patch`, conditioned on its resourceVersion:
   * a 409 ConflictError when the object moved. Everything else (ownerReferences, finalizers,
   * other labels and annotations, other managers' fields) is left as it is.
   */
  patchConfigObject(kind: ConfigKind, namespace: string, name: string, patch: ConfigPatch, options: WriteOptions): Promise<ConfigObject>;
  /** Deletes, conditioned on uid and resourceVersion when given (the dry run travels in the body, where the server reads it). */
  deleteConfigObject(kind: ConfigKind, namespace: string, name: string, options: WriteOptions & DeletePreconditions): Promise<void>;
  /** SelfSubjectAccessReview: may the caller do `verb` on this kind in this namespace (in all namespaces when undefined)? */
  canI(verb: AccessVerb, kind: ConfigKind, namespace?: string): Promise<boolean>;
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

export type AccessVerb = 'create' | 'update' | 'patch' | 'delete' | 'list';

/**
 * A cluster's identity: the UID of its kube-system namespace (the de facto cluster ID), or,
 * when that cannot be read, a fingerprint of the normalised server URL and its CA.
 */
export interface ClusterIdentity {
  /** The kube-system UID, or "endpoint-" and 24 hex digits: both valid label values. */
  id: string;
  source: 'kube-system' | 'endpoint';
}

/** What a watch follows: namespaces, or ConfigMaps/Secrets (in one namespace or all). */
export type WatchResource = {kind: 'Namespace'} | {kind: ConfigKind; namespace?: string; labelSelector?: string; fieldSelector?: string};

/** One change seen by a watch: only identity; watchers read the current state again. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  namespace?: string;
}

export interface WatchHandle {
  stop(): void;
}
