import type {ContextError} from '../../core/contracts/fanout-documents.js';
import {ExitCode, type ExitCodeValue} from '../../core/errors.js';
import {planFanoutStatus, type FanoutStatus} from '../../core/fanout-plan.js';
import {hasNamespaceSelection} from '../../core/namespace-select.js';
import type {ConfigKind} from '../../core/types.js';
import type {Kubeconfig} from '../../kube/kubeconfig.js';
import {readCopies, readFanoutTargets} from './apply-fanout.js';
import {fanoutCluster, resolveTargetContexts, selectionFrom, sourceRefFor, type FanoutTargetFlagValues} from './fanout-targets.js';

export interface FanoutStatusRequest {
  kind: ConfigKind;
  name: string;
  /** The source's context and namespace as given (undefined: the kubeconfig's). */
  context?: string;
  namespace?: string;
  targets: FanoutTargetFlagValues;
}

export interface FanoutStatusOutcome {
  status: FanoutStatus;
  /** Contexts whose copies could not be read. */
  errors: ContextError[];
  exitCode: ExitCodeValue;
}

/**
 * Audits every copy of a source: one LIST per context finds the copies by their origin labels;
 * with targets named, the same choice as fanout tells which copies should exist.
 */
export async function runFanoutStatus(kube: Kubeconfig, request: FanoutStatusRequest): Promise<FanoutStatusOutcome> {
  const {kind, name} = request;
  const sourceContext = kube.resolveContext(request.context);
  const sourceApi = kube.cluster(sourceContext);
  const namespace = request.namespace ?? kube.namespaceOf(sourceContext);
  const targetContexts = resolveTargetContexts(kube, request.targets['to-context'], sourceContext);
  const contexts = [...new Set([sourceContext, ...targetContexts])];
  const ref = await sourceRefFor(
    sourceApi,
    {kind, name, namespace},
    contexts.map((c) => kube.cluster(c)),
  );
  const selection = selectionFrom(request.targets);
  const withTargets = hasNamespaceSelection(selection) || request.targets['to-context'] !== undefined;
  const targetClusters = targetContexts.map((c) => fanoutCluster(kube, c, namespace));
  const [source, reads, targets] = await Promise.all([
    sourceApi.getConfigObject(kind, namespace, name),
    readCopies(
      ref,
      contexts.map((c) => kube.cluster(c)),
    ),
    withTargets ? readFanoutTargets(ref, targetClusters, selection) : Promise.resolve([]),
  ]);
  // One row per copy (cluster identity and namespace), however many contexts reach it.
  const expected = targets.flatMap((t) => {
    const cluster = t.cluster;
    return cluster === undefined ? [] : t.targets.map((ns) => ({context: t.context, cluster, namespace: ns}));
  });
  const copies = reads.flatMap((r) => {
    const cluster = r.cluster;
    return cluster === undefined ? [] : r.objects.map((object) => ({context: r.context, cluster, object}));
  });
  const status = planFanoutStatus(ref, source, copies, expected);
  const errors = [
    ...new Map(
      [...reads, ...targets].flatMap((r) => (r.error === undefined ? [] : [[r.context, {context: r.context, message: r.error}] as const])),
    ).values(),
  ];
  const exitCode =
    errors.length > 0 ? ExitCode.partial : status.copies.some((c) => c.state !== 'in-sync') ? ExitCode.differences : ExitCode.ok;
  return {status, errors, exitCode};
}
