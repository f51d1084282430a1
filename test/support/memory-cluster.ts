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
} from '../../src/core/cluster-api.js';
import {ClusterError, ConflictError, NotFoundError} from '../../src/core/errors.js';
import type {ConfigKind, ConfigObject} from '../../src/core/types.js';
import type {Workload, WorkloadKind} from '../../src/core/workload.js';

type Verb = 'create' | 'patch' | 'delete';

/**
 * One in-memory ClusterApi for unit tests, with the API server's rules that the write path
 * relies on: resourceVersion and uid preconditions (409), AlreadyExists (409), NotFound (404),
 * immutable objects, merge-patch semantics, dry runs that store nothing, and RBAC answers for
 * canI. Failures can be scripted per verb and object name. Workloads restart as the server
 * does (a pod-template patch bumps the generation); a status function plays the controller.
 */
export class MemoryCluster implements ClusterApi {
  readonly objects = new Map<string, ConfigObject>();
  /** Every mutating request, as "verb kind/namespace/name" (" (dry run)" appended for dry runs). */
  readonly requests: string[] = [];
  namespaces: NamespaceInfo[] = [];
  /** What canI answers: verbs denied per kind. */
  denied = new Set<string>();
  /** Scripted failures: status codes thrown by the next requests of a verb on a name. */
  readonly failures = new Map<string, number[]>();
  /** Deployments, StatefulSets and DaemonSets, for restart. */
  readonly workloads: Workload[] = [];
  /** Workload labels by name, for label selectors (one "key=value"). */
  readonly workloadLabels = new Map<string, Record<string, string>>();
  /** Every workload request: "list KIND [-l SELECTOR]", "get NAME", "patch NAME [dry-run] MANAGER". */
  readonly workloadCalls: string[] = [];
  /** GETs per workload name, for the status function. */
  readonly polls = new Map<string, number>();
  /** Scripted failures of restart patches, per workload name. */
  readonly failPatch = new Map<string, Error>();
  /** Plays the controller: the status a workload GET returns on its n-th poll. */
  statusAfter: (workload: Workload, polls: number) => Record<string, unknown> = () => ({});
  /** Every read of objects and namespaces: "list KIND NAMESPACE [SELECTOR]", "get KIND/NAMESPACE/NAME", "get namespace NAME". */
  readonly reads: string[] = [];
  /** Thrown by namespace GETs (403, unreachable), when set. */
  namespaceError?: Error;
  /** The identity clusterIdentity answers (default uid-CONTEXT): two contexts of one cluster share it. */
  identity?: string;
  /** Open watches, driven by hand: call onEvent/onEnd; stop() marks them stopped. */
  readonly watches: Array<{resource: WatchResource; onEvent: (e: WatchEvent) => void; onEnd: (e?: Error) => void; stopped: boolean}> = [];
  inFlight = 0;
  maxInFlight = 0;
  private version = 100;
  private uids = 0;

  constructor(
    readonly context = 'mem',
    readonly server = 'https://mem.example',
  ) {}

  /** Stores an object as the server would (fresh uid and resourceVersion), bypassing the request log. */
  put(object: ConfigObject): ConfigObject {
    const stored = structuredClone({...object, uid: object.uid ?? `uid-${++this.uids}`, resourceVersion: String(++this.version)});
    this.objects.set(key(object.kind, object.namespace, object.name), stored);
    return structuredClone(stored);
  }

  /** Scripts failures of real requests (`create`) or of dry runs (`create dry-run`, as admission refusing). */
  fail(verb: Verb | `${Verb} dry-run`, name: string, ...statuses: number[]): void {
    this.failures.set(`${verb} ${name}`, statuses);
  }

  stored(kind: ConfigKind, namespace: string, name: string): ConfigObject | undefined {
    const object = this.objects.get(key(kind, namespace, name));
    return object && structuredClone(object);
  }

  async listConfigObjects(kind: ConfigKind, namespace: string | undefined, options: ListOptions = {}): Promise<ConfigObject[]> {
    this.reads.push(`list ${kind} ${namespace ?? '(all)'} ${options.labelSelector ?? ''}`.trim());
    const matches = labelMatcher(options.labelSelector);
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && (namespace === undefined || o.namespace === namespace) && matches(o.labels))
      .map((o) => structuredClone(o));
  }

  async getConfigObject(kind: ConfigKind, namespace: string, name: string): Promise<ConfigObject | undefined> {
    this.reads.push(`get ${key(kind, namespace, name)}`);
    return this.stored(kind, namespace, name);
  }

  async listConfigObjectsNamed(kind: ConfigKind, name: string): Promise<ConfigObject[]> {
    return [...this.objects.values()].filter((o) => o.kind === kind && o.name === name).map((o) => structuredClone(o));
  }

  async createConfigObject(object: ConfigObject, options: WriteOptions): Promise<ConfigObject> {
    await this.request('create', object, options);
    if (this.objects.has(key(object.kind, object.namespace, object.name))) throw new ClusterError(`${object.name} already exists`, 409);
    if (options.dryRun) return structuredClone(object);
    return this.put({...object, uid: undefined});
  }

  async patchConfigObject(
    kind: ConfigKind,
    namespace: string,
    name: string,
    patch: ConfigPatch,
    options: WriteOptions,
  ): Promise<ConfigObject> {
    await this.request('patch', {kind, namespace, name}, options);
    const current = this.objects.get(key(kind, namespace, name));
    if (!current) throw new NotFoundError(`${name} not found`);
    if (current.resourceVersion !== patch.resourceVersion)
      throw new ConflictError(`conflict: ${name} changed on the server after it was read`);
    const next = structuredClone(current);
    const apply = (record: Record<string, string>, changes?: Record<string, string | null>) => {
      for (const [k, v] of Object.entries(changes ?? {})) {
        if (v === null) delete record[k];
        else record[k] = v;
      }
    };
    if (current.immutable && (patch.data || patch.binaryData)) throw new ClusterError(`${name} is immutable`, 422);
    apply(next.data, patch.data);
    apply(next.binaryData, patch.binaryData);
    // A Secret key is one key on the server: setting it in one section clears the other.
    for (const k of Object.keys(patch.data ?? {})) if (patch.data![k] !== null) delete next.binaryData[k];
    for (const k of Object.keys(patch.binaryData ?? {})) if (patch.binaryData![k] !== null) delete next.data[k];
    apply(next.labels, patch.labels);
    apply(next.annotations, patch.annotations);
    if (patch.immutable) next.immutable = true;
    if (options.dryRun) return next;
    return this.put(next);
  }

  async deleteConfigObject(kind: ConfigKind, namespace: string, name: string, options: WriteOptions & DeletePreconditions): Promise<void> {
    await this.request('delete', {kind, namespace, name}, options);
    const current = this.objects.get(key(kind, namespace, name));
    if (!current) throw new NotFoundError(`${name} not found`);
    if (options.uid && current.uid !== options.uid) throw new ConflictError(`conflict: uid precondition failed for ${name}`);
    if (options.resourceVersion && current.resourceVersion !== options.resourceVersion)
      throw new ConflictError(`conflict: ${name} changed on the server after it was read`);
    if (!options.dryRun) this.objects.delete(key(kind, namespace, name));
  }

  async clusterIdentity(): Promise<ClusterIdentity> {
    return {id: this.identity ?? `uid-${this.context}`, source: 'kube-system'};
  }

  async canI(verb: string, kind: ConfigKind): Promise<boolean> {
    return !this.denied.has(`${verb} ${kind}`);
  }

  async getNamespace(name: string): Promise<NamespaceInfo | undefined> {
    this.reads.push(`get namespace ${name}`);
    if (this.namespaceError) throw this.namespaceError;
    return this.namespaces.find((n) => n.name === name);
  }

  async listNamespaces(): Promise<NamespaceInfo[]> {
    return this.namespaces;
  }

  async listWorkloads(kind: WorkloadKind, namespace: string | undefined, options?: ListOptions): Promise<Workload[]> {
    this.workloadCalls.push(`list ${kind}${options?.labelSelector === undefined ? '' : ` -l ${options.labelSelector}`}`);
    const [label, value] = options?.labelSelector?.split('=') ?? [];
    return this.workloads.filter(
      (w) =>
        w.kind === kind &&
        (namespace === undefined || w.namespace === namespace) &&
        (label === undefined || this.workloadLabels.get(w.name)?.[label] === value),
    );
  }

  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | undefined> {
    this.workloadCalls.push(`get ${name}`);
    const workload = this.workloads.find((w) => w.kind === kind && w.namespace === namespace && w.name === name);
    if (!workload) return undefined;
    const polls = (this.polls.get(name) ?? 0) + 1;
    this.polls.set(name, polls);
    return {...workload, status: this.statusAfter(workload, polls)};
  }

  async restartWorkload(
    kind: WorkloadKind,
    namespace: string,
    name: string,
    restartedAt: string,
    options: WriteOptions,
  ): Promise<Workload> {
    this.workloadCalls.push(`patch ${name}${options.dryRun ? ' dry-run' : ''} ${options.fieldManager}`);
    const failure = this.failPatch.get(name);
    if (failure) throw failure;
    const workload = this.workloads.find((w) => w.kind === kind && w.namespace === namespace && w.name === name);
    if (!workload) throw new NotFoundError(`${kind.toLowerCase()}s "${name}" not found`);
    if (options.dryRun) return {...workload};
    workload.generation = (workload.generation ?? 1) + 1;
    workload.templateAnnotations = {...workload.templateAnnotations, 'kubectl.kubernetes.io/restartedAt': restartedAt};
    return {...workload};
  }

  watch(resource: WatchResource, onEvent: (e: WatchEvent) => void, onEnd: (e?: Error) => void): WatchHandle {
    const slot = {resource, onEvent, onEnd, stopped: false};
    this.watches.push(slot);
    return {stop: () => void (slot.stopped = true)};
  }

  private async request(verb: Verb, object: Pick<ConfigObject, 'kind' | 'namespace' | 'name'>, options: WriteOptions): Promise<void> {
    this.requests.push(`${verb} ${object.kind}/${object.namespace}/${object.name}${options.dryRun ? ' (dry run)' : ''}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.inFlight--;
    const status = this.failures.get(`${verb}${options.dryRun ? ' dry-run' : ''} ${object.name}`)?.shift();
    if (status) throw new ClusterError(`HTTP ${status} for ${object.name}`, status);
  }
}

function key(kind: ConfigKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** Label selectors as the API server reads them (=, ==, !=, in, notin, exists, !exists); anything else is a test error, not a silent match. */
function labelMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  const tests = parts.map((raw): ((labels: Record<string, string>) => boolean) => {
    const part = raw.trim();
    let m = /^([^\s=!]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const [, k, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      return (labels) => (op === 'in' ? k in labels && values.includes(labels[k]) : !(k in labels) || !values.includes(labels[k]));
    }
    m = /^([^\s=!]+)\s*(!=|==|=)\s*([^\s=!]*)$/.exec(part);
    if (m) {
      const [, k, op, v] = m;
      return (labels) => (op === '!=' ? labels[k] !== v : labels[k] === v);
    }
    m = /^(!?)([^\s=!(),]+)$/.exec(part);
    if (m) {
      const [, not, k] = m;
      return (labels) => k in labels !== (not === '!');
    }
    throw new Error(`MemoryCluster: unsupported label selector "${selector}"`);
  });
  return (labels) => tests.every((test) => test(labels));
}
