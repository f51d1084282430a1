import type {ClusterApi} from '../../core/cluster-api.js';
import {UsageError} from '../../core/errors.js';
import type {SourceRef} from '../../core/fanout-plan.js';
import {ClusterError} from '../../core/errors.js';
import type {NamespaceSelection} from '../../core/namespace-select.js';
import {kindFromWord, type ConfigKind} from '../../core/types.js';
import type {Kubeconfig} from '../../kube/kubeconfig.js';
import type {FanoutCluster} from './apply-fanout.js';
import type {NamespaceInfo} from '../../core/cluster-api.js';
import {originSelector} from '../../core/fanout-plan.js';
import type {ConfigObject} from '../../core/types.js';

export interface FanoutTargetFlagValues {
  'all-namespaces': boolean;
  'namespace-selector'?: string;
  'namespace-regex'?: string;
  'to-namespace'?: string[];
  'exclude-namespace'?: string[];
  'to-context'?: string[];
  context?: string;
  namespace?: string;
}

export function selectionFrom(flags: FanoutTargetFlagValues): NamespaceSelection {
  return {
    all: flags['all-namespaces'],
    selector: flags['namespace-selector'],
    regex: flags['namespace-regex'],
    names: splitList(flags['to-namespace']),
    exclude: splitList(flags['exclude-namespace']),
  };
}

export function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function parseSourceArg(text: string): {kind: ConfigKind; name: string} {
  const slash = text.indexOf('/');
  const kindWord = slash < 0 ? '' : text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  const kind = kindFromWord(kindWord);
  if (!kind || !name) throw new UsageError(`"${text}": expected configmap/NAME or secret/NAME`);
  return {kind, name};
}

/** --to-context names, or the source context alone. Unknown contexts are usage errors. */
export function resolveTargetContexts(kube: Kubeconfig, values: string[] | undefined, sourceContext: string): string[] {
  const names = splitList(values);
  if (names.length === 0) return [sourceContext];
  return [...new Set(names.map((n) => kube.resolveContext(n)))];
}

/** A target cluster; without namespace flags the copy goes to the context's namespace, or the source's. */
export function fanoutCluster(kube: Kubeconfig, context: string, sourceNamespace: string): FanoutCluster {
  const api = kube.cluster(context);
  const own = kube.contexts.find((c) => c.name === context)?.namespace;
  return {context, server: api.server, defaultNamespace: own || sourceNamespace, api};
}

/**
 * The same client, but its namespace list is read once and shared: one planning pass over many
 * sources (the controller's) reads each cluster's namespaces once instead of once per source.
 */
export function sharingNamespaceList(api: ClusterApi): ClusterApi {
  const lists = new Map<string, Promise<NamespaceInfo[]>>();
  const shared = Object.create(api) as ClusterApi;
  shared.listNamespaces = (options = {}) => {
    const key = options.labelSelector ?? '';
    let list = lists.get(key);
    if (!list) lists.set(key, (list = api.listNamespaces(options)));
    return list;
  };
  return shared;
}

/** One client per context, the first one seen. */
export function uniqueApis(apis: ClusterApi[]): ClusterApi[] {
  const seen = new Map<string, ClusterApi>();
  for (const api of apis) if (!seen.has(api.context)) seen.set(api.context, api);
  return [...seen.values()];
}

/**
 * The source as copies name it: its cluster identity (read once per context), plus the server
 * URLs of this run's contexts on that cluster, under which earlier versions marked copies.
 */
export async function sourceRefFor(
  sourceApi: ClusterApi,
  object: {kind: ConfigKind; name: string; namespace: string},
  others: ClusterApi[],
  clusterName?: string,
): Promise<SourceRef> {
  const cluster = (await sourceApi.clusterIdentity()).id;
  // A context that cannot be read is reported when the targets are read.
  const sameCluster = await Promise.all(
    others.map((api) =>
      api.clusterIdentity().then(
        (i) => (i.id === cluster ? api.server : undefined),
        () => undefined,
      ),
    ),
  );
  const legacyServers = [...new Set([sourceApi.server, ...sameCluster.filter((s): s is string => s !== undefined)])];
  return {
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
    context: sourceApi.context,
    server: sourceApi.server,
    cluster,
    ...(clusterName ? {clusterName} : {}),
    legacyServers,
  };
}

/**
 * What one target context's plan needs. Targets chosen by a pattern (-A, a selector, a regex):
 * one LIST of namespaces and one LIST of objects with the source's name, cluster-wide.
 * Targets named (--to-namespace, or the context's namespace): no cluster-scoped LIST of
 * namespaces or objects, only reads in those namespaces, so a user allowed into just those
 * namespaces can fan out; copies elsewhere (to prune) are then listed by their origin label,
 * and when that LIST is forbidden prune is skipped in this cluster, with a warning.
 */
export async function readTargetNamespaces(
  ref: SourceRef,
  cluster: FanoutCluster,
  selection: NamespaceSelection,
): Promise<{namespaces: NamespaceInfo[]; objects: ConfigObject[]; warning?: string}> {
  const api = cluster.api;
  const byPattern = Boolean(selection.all || selection.selector !== undefined || selection.regex !== undefined);
  if (byPattern) {
    const [namespaces, objects] = await Promise.all([api.listNamespaces(), api.listConfigObjectsNamed(ref.kind, ref.name)]);
    return {namespaces, objects};
  }
  const names = [...new Set(selection.names?.length ? selection.names : [cluster.defaultNamespace])];
  // A namespace the caller may not read is planned as if empty: the access review before
  // writing then says whether it may be written, instead of the whole context failing.
  const unlessForbidden = <T>(read: Promise<T>, otherwise: T): Promise<T> =>
    read.catch((error) => {
      if ((error as ClusterError).status === 403) return otherwise;
      throw error;
    });
  const [namespaces, objects, copies] = await Promise.all([
    Promise.all(names.map((name) => unlessForbidden(api.getNamespace(name), {name, labels: {}}))),
    Promise.all(names.map((name) => unlessForbidden(api.getConfigObject(ref.kind, name, ref.name), undefined))),
    readCopiesElsewhere(ref, cluster),
  ]);
  const named = new Set(names);
  return {
    namespaces: namespaces.filter((n): n is NamespaceInfo => n !== undefined),
    objects: [...objects.filter((o): o is ConfigObject => o !== undefined), ...copies.found.filter((o) => !named.has(o.namespace))],
    ...('warning' in copies ? {warning: copies.warning} : {}),
  };
}

/** Copies in all namespaces (for prune), unless an access review says the caller may not list them: then none, with a warning. */
async function readCopiesElsewhere(ref: SourceRef, cluster: FanoutCluster): Promise<{found: ConfigObject[]; warning?: string}> {
  const resource = ref.kind === 'Secret' ? 'secrets' : 'configmaps';
  const skipped = {
    found: [] as ConfigObject[],
    warning: `context ${cluster.context}: may not list ${resource} in all namespaces, so no copy outside the named targets is pruned`,
  };
  if (!(await cluster.api.canI('list', ref.kind).catch(() => true))) return skipped;
  try {
    return {found: await cluster.api.listConfigObjects(ref.kind, undefined, {labelSelector: originSelector(ref)})};
  } catch (error) {
    if ((error as ClusterError).status === 403) return skipped;
    throw error;
  }
}
