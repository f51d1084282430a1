import type {ClusterApi} from '../../core/cluster-api.js';
import {
  KUBED,
  ORIGIN_LABELS,
  planAnnotationRemoved,
  planFanout,
  summarize,
  type ClusterRead,
  type FanoutEntry,
  type FanoutPlan,
  type FanoutPlanOptions,
  type SourceRef,
} from '../../core/fanout-plan.js';
import {compileNamespaceSelection, type NamespaceSelection} from '../../core/namespace-select.js';
import {sourceName} from '../../ui/render-fanout.js';
import type {ConfigKind, ConfigObject} from '../../core/types.js';
import type {Kubeconfig} from '../../kube/kubeconfig.js';
import {readFanoutTargets, type FanoutCluster} from './apply-fanout.js';
import {fanoutCluster, resolveTargetContexts, sharingNamespaceList, sourceRefFor, uniqueApis} from './fanout-targets.js';

/** One annotated source: Kubed's meaning of its annotations, as a plan. */
async function planAnnotatedSource(
  kube: Kubeconfig,
  sourceApi: ClusterApi,
  source: ConfigObject,
  options: Omit<FanoutPlanOptions, 'adoptKubedCopies'>,
  clusterName: string | undefined,
  clusterFor: (context: string, sourceNamespace: string) => FanoutCluster,
): Promise<FanoutPlan> {
  const contexts = (source.annotations[KUBED.syncContexts] ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const others = contexts.filter((c) => c !== sourceApi.context);
  const resolved = others.length > 0 ? resolveTargetContexts(kube, others, sourceApi.context) : [];
  const ref = await sourceRefFor(
    sourceApi,
    {kind: source.kind, name: source.name, namespace: source.namespace},
    resolved.map((c) => kube.cluster(c)),
    clusterName,
  );
  const reads: ClusterRead[] = [];
  const sync = source.annotations[KUBED.sync];
  if (sync !== undefined) {
    // Kubed: "" and "true" mean every namespace (system ones excluded), otherwise a namespace label selector.
    const value = sync.trim();
    const selection: NamespaceSelection = value === '' || value === 'true' ? {all: true} : {selector: value};
    compileNamespaceSelection(selection);
    reads.push(...(await readFanoutTargets(ref, [clusterFor(sourceApi.context, source.namespace)], selection)));
  }
  if (resolved.length > 0) {
    reads.push(
      ...(await readFanoutTargets(
        ref,
        resolved.map((c) => clusterFor(c, source.namespace)),
        {},
      )),
    );
  }
  return planFanout(ref, source, reads, {...options, adoptKubedCopies: true, fromAnnotations: true});
}

/**
 * Kubed migration: one plan per object annotated kubed.appscode.com/sync or
 * sync-contexts in the source context, with Kubed's meaning; Kubed's copies are
 * adopted. Returns no plans when nothing is annotated.
 */
export async function planFromAnnotations(
  kube: Kubeconfig,
  sourceApi: ClusterApi,
  options: Omit<FanoutPlanOptions, 'adoptKubedCopies'>,
  clusterName?: string,
  /** Only sources in this namespace (the controller's -n); copies are still found in every namespace. */
  sourceNamespace?: string,
  /**
   * Other clusters copies may have gone to through sync-contexts (the controller's: every other
   * cluster of its kubeconfig): copies there of sources that lost their annotation are pruned too.
   */
  syncClusters: ClusterApi[] = [],
): Promise<{plans: FanoutPlan[]; apis: ClusterApi[]}> {
  // Metadata only where the API allows it: the data of the many objects that are not sources is never read.
  const list = (kind: ConfigKind, namespace?: string, labelSelector?: string) =>
    sourceApi.listConfigMetadata
      ? sourceApi.listConfigMetadata(kind, namespace, {labelSelector})
      : sourceApi.listConfigObjects(kind, namespace, {labelSelector});
  const kinds: ConfigKind[] = ['ConfigMap', 'Secret'];
  // Scoped to a namespace: the candidates there, and elsewhere only our copies (by their origin label, filtered by the server).
  const listed = (
    await Promise.all(
      sourceNamespace === undefined
        ? kinds.map((kind) => list(kind))
        : kinds.flatMap((kind) => [list(kind, sourceNamespace), list(kind, undefined, ORIGIN_LABELS.id)]),
    )
  ).flat();
  // A copy inside the namespace comes back from both lists: keep it once.
  const seen = new Set<string>();
  const objects = listed.filter((o) => {
    const key = `${o.kind}/${o.namespace}/${o.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Copies (Kubed's or ours) are never sources, even if an annotation was carried over.
  const isCopy = (o: ConfigObject) => Object.hasOwn(o.labels, KUBED.originName) || Object.hasOwn(o.labels, ORIGIN_LABELS.id);
  const inScope = (namespace: string) => sourceNamespace === undefined || namespace === sourceNamespace;
  const sources = objects.filter(
    (o) =>
      inScope(o.namespace) && !isCopy(o) && (Object.hasOwn(o.annotations, KUBED.sync) || Object.hasOwn(o.annotations, KUBED.syncContexts)),
  );
  sources.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  // Each cluster's namespaces are listed once for this pass, whatever the number of sources.
  const shared = new Map<string, ClusterApi>();
  const clusterFor = (context: string, namespace: string): FanoutCluster => {
    const cluster = fanoutCluster(kube, context, namespace);
    let api = shared.get(context);
    if (!api) shared.set(context, (api = sharingNamespaceList(cluster.api)));
    return {...cluster, api};
  };
  const plans: FanoutPlan[] = [];
  for (const listed of sources) {
    try {
      // Listed as metadata: the source itself is read in full, as it is now.
      const source = sourceApi.listConfigMetadata ? await sourceApi.getConfigObject(listed.kind, listed.namespace, listed.name) : listed;
      // Deleted since the list: the next pass prunes its copies.
      if (!source) continue;
      plans.push(await planAnnotatedSource(kube, sourceApi, source, options, clusterName, clusterFor));
    } catch (error) {
      // One bad annotation (an unknown context, a bad selector) is reported with its object; the others go on.
      const ref: SourceRef = {
        kind: listed.kind,
        name: listed.name,
        namespace: listed.namespace,
        context: sourceApi.context,
        server: sourceApi.server,
        cluster: (await sourceApi.clusterIdentity()).id,
      };
      const entries: FanoutEntry[] = [
        {
          context: sourceApi.context,
          namespace: listed.namespace,
          action: 'error',
          reason: `${sourceName(ref)}: ${(error as Error).message}`,
        },
      ];
      plans.push({source: {...ref, exists: true}, entries, summary: summarize(entries)});
    }
  }
  // Copies in this cluster of sources whose annotation was removed (or that are gone): pruned, as Kubed does.
  const isAnnotated = (ref: Pick<SourceRef, 'kind' | 'name' | 'namespace'>) =>
    // A source outside the scope is not this run's to judge: its copies are left alone.
    !inScope(ref.namespace) || sources.some((s) => s.kind === ref.kind && s.name === ref.name && s.namespace === ref.namespace);
  if (options.prune) {
    const base = {context: sourceApi.context, server: sourceApi.server, cluster: (await sourceApi.clusterIdentity()).id};
    const elsewhere = await Promise.all(
      syncClusters.map(async (api) => {
        try {
          const copies = await Promise.all(
            kinds.map((kind) =>
              api.listConfigMetadata
                ? api.listConfigMetadata(kind, undefined, {labelSelector: ORIGIN_LABELS.id})
                : api.listConfigObjects(kind, undefined, {labelSelector: ORIGIN_LABELS.id}),
            ),
          );
          return {context: api.context, cluster: (await api.clusterIdentity()).id, objects: copies.flat()};
        } catch (error) {
          // A cluster that cannot be read keeps its copies until it can: reported, the others go on.
          const entries: FanoutEntry[] = [
            {context: api.context, namespace: '*', action: 'error', reason: `reading copies to prune: ${(error as Error).message}`},
          ];
          plans.push({
            source: {...base, kind: 'ConfigMap', name: '*', namespace: '*', exists: false},
            entries,
            summary: summarize(entries),
          });
          return undefined;
        }
      }),
    );
    plans.push(
      ...planAnnotationRemoved(
        base,
        objects,
        isAnnotated,
        elsewhere.filter((e) => e !== undefined),
      ),
    );
  }
  const contexts = [...new Set(plans.flatMap((p) => p.entries.map((e) => e.context)))];
  return {plans, apis: uniqueApis([sourceApi, ...contexts.map((c) => kube.cluster(c))])};
}
