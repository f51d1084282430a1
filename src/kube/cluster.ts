import {readFileSync} from 'node:fs';
import type {
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
import type {PodSpec, Workload, WorkloadKind} from '../core/workload.js';
import {
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  ServerConfiguration,
  Watch,
  createConfiguration,
  setHeaderMiddleware,
} from './client-node.js';
import type {V1ConfigMap, V1Secret} from './client-node.js';
import {endpointIdentity, uidIdentity} from '../core/cluster-identity.js';
import {ClusterError} from '../core/errors.js';
import {decodeSecretData, encodeSecretData} from '../core/secret-bytes.js';
import {credentialError, translateError} from './errors.js';
import {loggingHttpApi, type RequestLogSink} from './request-log.js';
import {USER_AGENT} from './user-agent.js';
import {alwaysOwnDispatcher, routeFor} from './blocked-port.js';

const PAGE_SIZE = 500;
/** Watches are re-opened this often (the server ends them), which also catches silent disconnects. */
const WATCH_SECONDS = 300;

export interface ClusterOptions {
  /** Per-request timeout in milliseconds; 0 means none. */
  requestTimeoutMs: number;
  /** -v=6 and above: one line per request (src/kube/request-log.ts). */
  requestLog?: RequestLogSink;
  /** stderr, for the one note when the cluster identity falls back to the server URL and CA. */
  note?: (text: string) => void;
}

/** ClusterApi over @kubernetes/client-node for one kubeconfig context. */
export class KubeCluster implements ClusterApi {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly authorization: AuthorizationV1Api;
  private identity?: Promise<ClusterIdentity>;
  /** For a server on a port fetch refuses (see blocked-port.ts). */
  private readonly route?: (dispatcher: unknown) => unknown;
  private readonly requestServer: string;

  constructor(
    readonly context: string,
    readonly server: string,
    private readonly kubeConfig: KubeConfig,
    private readonly options: ClusterOptions,
  ) {
    const middleware = [setHeaderMiddleware('User-Agent', USER_AGENT)];
    if (options.requestTimeoutMs > 0) {
      middleware.push(timeoutMiddleware(options.requestTimeoutMs));
      limitConnectTime(kubeConfig, options.requestTimeoutMs);
    }
    const {requestServer, route} = routeFor(server);
    if (route) alwaysOwnDispatcher(kubeConfig as never);
    this.route = route;
    this.requestServer = requestServer;
    // The client builds a new connection pool for every request, paying a TLS handshake each
    // time; keeping the first one lets later requests reuse its connections.
    let sharedDispatcher: unknown;
    // Credentials (exec plugins, token and certificate files) fail before any request: say which context's.
    const auth = {
      getName: () => 'kubeconfig',
      applySecurityAuthentication: async (requestContext: {getDispatcher(): unknown; setDispatcher(d: unknown): void}) => {
        try {
          await kubeConfig.applySecurityAuthentication(requestContext as never);
        } catch (error) {
          throw credentialError(context, error, kubeConfig.getCurrentUser()?.exec?.command);
        }
        if (route) requestContext.setDispatcher(route(requestContext.getDispatcher()));
        if (sharedDispatcher === undefined) sharedDispatcher = requestContext.getDispatcher();
        else if (requestContext.getDispatcher() !== undefined) requestContext.setDispatcher(sharedDispatcher);
      },
    };
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(requestServer, {}),
      authMethods: {default: auth as unknown as KubeConfig},
      middleware,
      httpApi: options.requestLog ? loggingHttpApi(options.requestLog) : undefined,
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.authorization = new AuthorizationV1Api(configuration);
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
      (error) => {
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

  async listConfigObjects(kind: ConfigKind, namespace: string | undefined, options: ListOptions = {}): Promise<ConfigObject[]> {
    const what = `${plural(kind)} ${namespace ? `in namespace "${namespace}"` : 'in all namespaces'}`;
    return this.call('list', what, async () => {
      const items: ConfigObject[] = [];
      let _continue: string | undefined;
      do {
        const page: {items: Array<V1ConfigMap | V1Secret>; metadata?: {_continue?: string}} = await this.listPage(kind, namespace, {
          labelSelector: options.labelSelector,
          limit: PAGE_SIZE,
          _continue,
        });
        for (const item of page.items) items.push(kind === 'Secret' ? fromSecret(item as V1Secret) : fromConfigMap(item as V1ConfigMap));
        _continue = page.metadata?._continue || undefined;
      } while (_continue);
      return items;
    });
  }

  private listPage(kind: ConfigKind, namespace: string | undefined, query: {labelSelector?: string; limit: number; _continue?: string}) {
    if (kind === 'Secret') {
      return namespace ? this.core.listNamespacedSecret({namespace, ...query}) : this.core.listSecretForAllNamespaces(query);
    }
    return namespace ? this.core.listNamespacedConfigMap({namespace, ...query}) : this.core.listConfigMapForAllNamespaces(query);
  }

  async getConfigObject(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObject | undefined> {
    return this.call('get', describe(kind, namespace, name), async () => {
      try {
        if (kind === 'Secret') return fromSecret(await this.core.readNamespacedSecret({name, namespace}));
        return fromConfigMap(await this.core.readNamespacedConfigMap({name, namespace}));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async createConfigObject(object: ConfigObject, options: WriteOptions): Promise<ConfigObject> {
    const {name, namespace, kind} = object;
    return this.call(
      'create',
      describe(kind, namespace, name),
      async () => {
        const params = {namespace, fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined};
        if (kind === 'Secret')
          return fromSecret(await this.core.createNamespacedSecret({...params, body: toSecret({...object, resourceVersion: undefined})}));
        return fromConfigMap(
          await this.core.createNamespacedConfigMap({...params, body: toConfigMap({...object, resourceVersion: undefined})}),
        );
      },
      () => this.alreadyWritten(object, options),
    );
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
    return this.call(
      'patch',
      describe(kind, namespace, name),
      async () => {
        const params = {
          name,
          namespace,
          fieldManager: options.fieldManager,
          dryRun: options.dryRun ? 'All' : undefined,
          body: toMergePatch(kind, patch),
        };
        // A resourceVersion inside a merge patch makes the server refuse it (409) when the object moved.
        const patchOptions = {
          middleware: [setHeaderMiddleware('Content-Type', 'application/merge-patch+json')],
          middlewareMergeStrategy: 'append' as const,
        };
        if (kind === 'Secret') return fromSecret(await this.core.patchNamespacedSecret(params, patchOptions));
        return fromConfigMap(await this.core.patchNamespacedConfigMap(params, patchOptions));
      },
      () => this.alreadyPatched(kind, namespace, name, patch, options),
    );
  }

  async deleteConfigObject(kind: ConfigKind, namespace: string, name: string, options: WriteOptions & DeletePreconditions): Promise<void> {
    await this.call(
      'delete',
      describe(kind, namespace, name),
      async () => {
        const preconditions =
          options.resourceVersion || options.uid ? {resourceVersion: options.resourceVersion, uid: options.uid} : undefined;
        // The server reads DeleteOptions from the body and ignores the dryRun query parameter when a body is
        // sent, so the dry run must travel in the body: otherwise a "dry run" deletes for real.
        const params = {
          name,
          namespace,
          dryRun: options.dryRun ? 'All' : undefined,
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            ...(options.dryRun ? {dryRun: ['All']} : {}),
            ...(preconditions ? {preconditions} : {}),
          },
        };
        if (kind === 'Secret') await this.core.deleteNamespacedSecret(params);
        else await this.core.deleteNamespacedConfigMap(params);
      },
      async (status) => (status === 404 ? {value: undefined} : undefined),
    );
  }

  async canI(verb: 'create' | 'update' | 'patch' | 'delete' | 'list', kind: ConfigKind, namespace?: string): Promise<boolean> {
    const where = namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`;
    return this.call('create', `selfsubjectaccessreview for ${verb} ${plural(kind)} ${where}`, async () => {
      const review = await this.authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {resourceAttributes: {verb, resource: plural(kind), namespace}},
        },
      });
      return review.status?.allowed === true;
    });
  }

  async getNamespace(name: string): Promise<NamespaceInfo | undefined> {
    return this.call('get', `namespace "${name}"`, async () => {
      try {
        const ns = await this.core.readNamespace({name});
        return {name, uid: ns.metadata?.uid, labels: ns.metadata?.labels ?? {}, phase: ns.status?.phase};
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async listNamespaces(options: ListOptions = {}): Promise<NamespaceInfo[]> {
    return this.call('list', 'namespaces', async () => {
      const result: NamespaceInfo[] = [];
      let _continue: string | undefined;
      do {
        const page = await this.core.listNamespace({labelSelector: options.labelSelector, limit: PAGE_SIZE, _continue});
        for (const ns of page.items)
          result.push({name: ns.metadata!.name!, uid: ns.metadata?.uid, labels: ns.metadata?.labels ?? {}, phase: ns.status?.phase});
        _continue = page.metadata?._continue || undefined;
      } while (_continue);
      return result;
    });
  }

  async listWorkloads(kind: WorkloadKind, namespace: string | undefined, options: ListOptions = {}): Promise<Workload[]> {
    const where = namespace === undefined ? 'all namespaces' : `namespace "${namespace}"`;
    return this.call('list', `${kind.toLowerCase()}s in ${where}`, async () => {
      const result: Workload[] = [];
      let _continue: string | undefined;
      do {
        const query = {labelSelector: options.labelSelector, limit: PAGE_SIZE, _continue};
        const page =
          namespace === undefined
            ? kind === 'Deployment'
              ? await this.apps.listDeploymentForAllNamespaces(query)
              : kind === 'StatefulSet'
                ? await this.apps.listStatefulSetForAllNamespaces(query)
                : await this.apps.listDaemonSetForAllNamespaces(query)
            : kind === 'Deployment'
              ? await this.apps.listNamespacedDeployment({namespace, ...query})
              : kind === 'StatefulSet'
                ? await this.apps.listNamespacedStatefulSet({namespace, ...query})
                : await this.apps.listNamespacedDaemonSet({namespace, ...query});
        for (const item of page.items) result.push(toWorkload(kind, item));
        _continue = page.metadata?._continue || undefined;
      } while (_continue);
      return result;
    });
  }

  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | undefined> {
    return this.call('get', `${kind.toLowerCase()}/${name} in namespace "${namespace}"`, async () => {
      try {
        const params = {name, namespace};
        const item =
          kind === 'Deployment'
            ? await this.apps.readNamespacedDeployment(params)
            : kind === 'StatefulSet'
              ? await this.apps.readNamespacedStatefulSet(params)
              : await this.apps.readNamespacedDaemonSet(params);
        return toWorkload(kind, item);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async restartWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    restartedAt: string,
    options: WriteOptions,
  ): Promise<Workload> {
    return this.call('patch', `${kind.toLowerCase()}/${name} in namespace "${namespace}"`, async () => {
      const params = {
        name,
        namespace,
        fieldManager: options.fieldManager,
        dryRun: options.dryRun ? 'All' : undefined,
        body: {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': restartedAt}}}}},
      };
      const patchOptions = {
        middleware: [setHeaderMiddleware('Content-Type', 'application/strategic-merge-patch+json')],
        middlewareMergeStrategy: 'append' as const,
      };
      const item =
        kind === 'Deployment'
          ? await this.apps.patchNamespacedDeployment(params, patchOptions)
          : kind === 'StatefulSet'
            ? await this.apps.patchNamespacedStatefulSet(params, patchOptions)
            : await this.apps.patchNamespacedDaemonSet(params, patchOptions);
      return toWorkload(kind, item);
    });
  }

  async listConfigObjectsNamed(kind: ConfigKind, name: string): Promise<ConfigObject[]> {
    return this.call('list', `${plural(kind)} named "${name}" in all namespaces`, async () => {
      const items: ConfigObject[] = [];
      let _continue: string | undefined;
      do {
        const query = {fieldSelector: `metadata.name=${name}`, limit: PAGE_SIZE, _continue};
        const page: {items: Array<V1ConfigMap | V1Secret>; metadata?: {_continue?: string}} =
          kind === 'Secret' ? await this.core.listSecretForAllNamespaces(query) : await this.core.listConfigMapForAllNamespaces(query);
        for (const item of page.items) items.push(kind === 'Secret' ? fromSecret(item as V1Secret) : fromConfigMap(item as V1ConfigMap));
        _continue = page.metadata?._continue || undefined;
      } while (_continue);
      return items;
    });
  }

  watch(resource: WatchResource, onEvent: (event: WatchEvent) => void, onEnd: (error?: Error) => void): WatchHandle {
    const what =
      resource.kind === 'Namespace'
        ? 'namespaces'
        : `${plural(resource.kind)} ${resource.namespace ? `in namespace "${resource.namespace}"` : 'in all namespaces'}`;
    const path =
      resource.kind === 'Namespace'
        ? '/api/v1/namespaces'
        : `/api/v1/${resource.namespace ? `namespaces/${encodeURIComponent(resource.namespace)}/` : ''}${plural(resource.kind)}`;
    const query =
      resource.kind === 'Namespace'
        ? {allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS}
        : {
            allowWatchBookmarks: true,
            timeoutSeconds: WATCH_SECONDS,
            labelSelector: resource.labelSelector,
            fieldSelector: resource.fieldSelector,
          };
    // Watch builds its own request: add our User-Agent so audit logs count it with the rest.
    const config = {
      getCurrentCluster: () => {
        const cluster = this.kubeConfig.getCurrentCluster();
        return cluster && {...cluster, server: this.requestServer};
      },
      applySecurityAuthentication: async (context: {
        setHeaderParam(name: string, value: string): void;
        getDispatcher(): unknown;
        setDispatcher(d: unknown): void;
      }) => {
        await this.kubeConfig.applySecurityAuthentication(context as never);
        if (this.route) context.setDispatcher(this.route(context.getDispatcher()));
        context.setHeaderParam('User-Agent', USER_AGENT);
      },
    };
    const watcher = new Watch(config as unknown as KubeConfig);
    // The server closes the stream after timeoutSeconds; silence beyond that means a dead connection.
    (watcher as unknown as {requestTimeoutMs: number}).requestTimeoutMs = (WATCH_SECONDS + 30) * 1000;
    let stopped = false;
    let ended = false;
    const end = (error?: unknown) => {
      if (stopped || ended) return;
      ended = true;
      onEnd(error ? translateError(error, {context: this.context, verb: 'watch', what}) : undefined);
    };
    const started = watcher.watch(
      path,
      query,
      (type: string, object: {metadata?: {name?: string; namespace?: string}; code?: number; message?: string}) => {
        if (stopped || ended) return;
        if (type === 'ERROR') {
          end(new Error(object?.message ?? `watch error ${object?.code ?? ''}`));
          return;
        }
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
        onEvent({type, name: object?.metadata?.name ?? '', namespace: object?.metadata?.namespace});
      },
      (error: unknown) => end(error),
    );
    return {
      stop: () => {
        stopped = true;
        started.then((controller) => controller.abort()).catch(() => undefined);
      },
    };
  }

  /**
   * Runs one request, retried with backoff on 429 and 5xx (Retry-After honoured).
   * Retrying writes is safe: updates and deletes are conditional on resourceVersion,
   * and a retry that meets 409/404 asks `recover` whether an earlier attempt already
   * did the work (the server may process a request whose answer was lost).
   */
  private async call<T>(
    verb: string,
    what: string,
    run: () => Promise<T>,
    recover?: (status: number) => Promise<{value: T} | undefined>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const status = statusOf(error);
        if (attempt > 1 && recover && (status === 409 || status === 404)) {
          const done = await recover(status).catch(() => undefined);
          if (done) return done.value;
        }
        const wait = attempt < RETRY_ATTEMPTS ? retryDelayMs(error, verb, attempt) : undefined;
        if (wait === undefined) throw translateError(error, {context: this.context, verb, what});
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
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

/** Attempts per request (the first included) on 429 and 5xx. */
const RETRY_ATTEMPTS = 4;
const MAX_RETRY_WAIT_MS = 10_000;
const READ_VERBS = new Set(['get', 'list']);

/** How long to wait before trying again, or undefined when the error is not worth a retry. */
export function retryDelayMs(error: unknown, verb: string, attempt: number): number | undefined {
  const status = statusOf(error);
  if (status === undefined) return undefined;
  // Writes: 429 (priority and fairness, before processing) and 503/504; every write is conditional or recoverable.
  const retryable = status === 429 || status === 503 || status === 504 || (READ_VERBS.has(verb) && (status === 500 || status === 502));
  if (!retryable) return undefined;
  const header = (error as {headers?: Record<string, string>}).headers?.['retry-after'];
  const seconds = header !== undefined ? Number(header) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_WAIT_MS);
  return Math.round(200 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
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

function timeoutMiddleware(ms: number) {
  return {
    pre: (request: {setSignal(signal: AbortSignal): void}) => {
      request.setSignal(AbortSignal.timeout(ms));
      return new Observable(Promise.resolve(request));
    },
    post: <T>(response: T) => new Observable(Promise.resolve(response)),
  } as unknown as ReturnType<typeof setHeaderMiddleware>;
}

/**
 * An aborted request leaves its TLS handshake with a silent server pending for undici's
 * own connect timeout (10 s), which holds the process open after the error was printed;
 * the client builds a connection pool per request, so its connect timeout is set here.
 */
function limitConnectTime(kubeConfig: KubeConfig, ms: number): void {
  const createOptions = kubeConfig.createDispatcherOptions.bind(kubeConfig);
  kubeConfig.createDispatcherOptions = (...args: Parameters<KubeConfig['createDispatcherOptions']>) => {
    const options = createOptions(...args);
    if (options.type === 'agent') return {...options, connect: {...options.connect, timeout: ms}};
    if (options.type === 'none') return {type: 'agent', connect: {timeout: ms}};
    return options;
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as {code?: number})?.code;
}

function plural(kind: ConfigKind): string {
  return kind === 'Secret' ? 'secrets' : 'configmaps';
}

function describe(kind: ConfigKind, namespace: string, name: string): string {
  return `${kind === 'Secret' ? 'secret' : 'configmap'}/${name} in namespace "${namespace}"`;
}

function fromConfigMap(item: V1ConfigMap): ConfigObject {
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

function toConfigMap(object: ConfigObject): V1ConfigMap {
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
function fromSecret(item: V1Secret): ConfigObject {
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

function toSecret(object: ConfigObject): V1Secret {
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

function toWorkload(kind: WorkloadKind, item: any): Workload {
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
    labels: {...item.metadata?.labels},
    annotations: {...item.metadata?.annotations},
    podSpec: (item.spec?.template?.spec ?? {containers: []}) as PodSpec,
    status: {...item.status},
  };
}

function strategyOf(strategy: any): Workload['updateStrategy'] {
  if (!strategy) return undefined;
  return {type: strategy.type, partition: strategy.rollingUpdate?.partition ?? undefined};
}

/** What a write must keep and a restore must put back, beyond labels and annotations. */
function metadataExtras(
  metadata: V1ConfigMap['metadata'],
): Pick<ConfigObject, 'ownerReferences' | 'finalizers' | 'deletionTimestamp' | 'managedFields'> {
  const extras: Pick<ConfigObject, 'ownerReferences' | 'finalizers' | 'deletionTimestamp' | 'managedFields'> = {};
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
  // Read for --blame only: toConfigMap/toSecret never send them back.
  if (metadata?.managedFields?.length)
    extras.managedFields = metadata.managedFields.map((m) => ({
      manager: m.manager,
      operation: m.operation,
      time: m.time ? new Date(m.time).toISOString() : undefined,
      subresource: m.subresource,
      fieldsV1: m.fieldsV1 as unknown,
    }));
  return extras;
}

function emptyToUndefined<T extends Record<string, string>>(record: T | undefined): T | undefined {
  return record && Object.keys(record).length > 0 ? record : undefined;
}
