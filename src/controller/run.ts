import {existsSync, readFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {randomUUID} from 'node:crypto';
import {setFlagsFromString} from 'node:v8';
import type {Server} from 'node:http';
import {applyFanoutPlan} from '../actions/fanout/apply-fanout.js';
import {namedSourcePlanner} from '../actions/fanout/fanout-action.js';
import {planFromAnnotations} from '../actions/fanout/fanout-annotations.js';
import {
  fanoutCluster,
  parseSourceArg,
  resolveTargetContexts,
  selectionFrom,
  sourceRefFor,
  type FanoutTargetFlagValues,
} from '../actions/fanout/fanout-targets.js';
import {runReconcileLoop, type WatchTarget} from '../actions/fanout/fanout-watch.js';
import type {ClusterApi} from '../core/cluster-api.js';
import {parseTimerDuration} from '../core/duration.js';
import {ExitCode, UsageError, messageOf, type ExitCodeValue} from '../core/errors.js';
import {ORIGIN_LABELS, originSelector, summarize, type ConflictPolicy, type FanoutEntry, type FanoutPlan} from '../core/fanout-plan.js';
import {compileNamespaceSelection, hasNamespaceSelection, type NamespaceSelection} from '../core/namespace-select.js';
import {EventRecorder} from '../kube/events.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import {KubeLeaseStore} from '../kube/lease.js';
import type {RequestLogSink} from '../kube/request-log.js';
import {RunStore} from '../kube/run-store.js';
import {WritePath} from '../kube/write-path.js';
import {LeaderElector, validateTiming, type LeaderElectionTiming} from './leader-election.js';
import {createControllerLog, type LogFormat} from './log.js';
import {ControllerMetrics, parseBindAddress, serveMetrics} from './metrics.js';

export type ControllerFlagValues = FanoutTargetFlagValues & {
  'from-annotations': boolean;
  'on-conflict': ConflictPolicy;
  prune: boolean;
  'strip-labels': boolean;
  'cluster-name'?: string;
  'field-manager': string;
  concurrency: number;
  qps: number;
  resync: string;
  'leader-elect': boolean;
  'lease-name': string;
  'lease-namespace'?: string;
  'lease-duration': string;
  'renew-deadline': string;
  'retry-period': string;
  identity?: string;
  'metrics-bind-address': string;
  'log-format': LogFormat;
};

export interface ControllerIo {
  /** stderr: one log line per event. */
  note(text: string): void;
  /** Loads the kubeconfig (in-cluster service account when none), counting every request. */
  loadKubeconfig(countRequest: RequestLogSink): Promise<Kubeconfig>;
  /** Resolves with the first SIGTERM or SIGINT (tests may pass their own). */
  stopSignal?: Promise<NodeJS.Signals>;
}

/** The namespace of the pod's service account, when running in a cluster. */
const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const COMPONENT = 'kubectl-configsync-controller';

/**
 * `controller run`: the reconcile engine of `fanout --watch` over named sources and/or every
 * Kubed-annotated source, written only while this replica leads (with --leader-elect), with
 * metrics, probes, one log line per action and Events on sources whose copies fail.
 */
export async function runController(objects: string[], flags: ControllerFlagValues, io: ControllerIo): Promise<ExitCodeValue> {
  // Everything the flags can get wrong fails before any request.
  if (objects.length === 0 && !flags['from-annotations'])
    throw new UsageError('name the sources (configmap/NAME or secret/NAME) and/or pass --from-annotations');
  const selection = selectionFrom(flags);
  compileNamespaceSelection(selection);
  if (objects.length > 0 && !hasNamespaceSelection(selection) && flags['to-context'] === undefined)
    throw new UsageError(
      'name the targets of the named sources: --all-namespaces, --namespace-selector, --namespace-regex, --to-namespace, and/or --to-context',
    );
  const refs = objects.map(parseSourceArg);
  const timing: LeaderElectionTiming = {
    leaseDurationMs: durationFlag('--lease-duration', flags['lease-duration']),
    renewDeadlineMs: durationFlag('--renew-deadline', flags['renew-deadline']),
    retryPeriodMs: durationFlag('--retry-period', flags['retry-period']),
  };
  const invalid = validateTiming(timing);
  if (invalid) throw new UsageError(`leader election: ${invalid}`);
  const resyncMs = durationFlag('--resync', flags.resync);
  let bind: ReturnType<typeof parseBindAddress>;
  try {
    bind = parseBindAddress(flags['metrics-bind-address']);
  } catch (error) {
    throw new UsageError(`--metrics-bind-address: ${messageOf(error)}`);
  }

  // A long-running, mostly waiting process: V8's optimizing compilers (Maglev, TurboFan) buy speed
  // it does not need with memory it keeps. Without them RSS stays about 15 MiB lower under steady
  // churn (measured: docs/controller.md, "Memory and resync time"); the interpreter and baseline
  // compiler still run. Set before the reconcile code gets hot; NODE_OPTIONS cannot carry these flags.
  setFlagsFromString('--no-opt');
  setFlagsFromString('--no-maglev');
  const metrics = new ControllerMetrics();
  const log = createControllerLog(flags['log-format'], (line) => io.note(line));
  const kube = await io.loadKubeconfig((_line, request) => {
    if (request) metrics.countRequest(request.method, request.status);
  });
  const context = kube.resolveContext(flags.context);
  const sourceApi = kube.cluster(context);
  const identity = flags.identity ?? `${hostname()}_${randomUUID()}`;
  const planOptions = {onConflict: flags['on-conflict'], prune: flags.prune, stripLabels: flags['strip-labels']};

  // Named sources: planned exactly as `fanout` plans them.
  const namespace = flags.namespace ?? kube.namespaceOf(context);
  const targetContexts = resolveTargetContexts(kube, flags['to-context'], context);
  const clusters = targetContexts.map((c) => fanoutCluster(kube, c, namespace));
  const named = await Promise.all(
    refs.map(async ({kind, name}) => {
      const ref = await sourceRefFor(
        sourceApi,
        {kind, name, namespace},
        clusters.map((c) => c.api),
        flags['cluster-name'],
      );
      return {ref, buildPlan: namedSourcePlanner(sourceApi, ref, clusters, selection, planOptions)};
    }),
  );
  const buildPlans = async (): Promise<FanoutPlan[]> => {
    const plans = await Promise.all(
      named.map(({ref, buildPlan}) =>
        // One source that cannot be planned is reported with its name; the others go on.
        buildPlan().catch((error: unknown): FanoutPlan => {
          const entries: FanoutEntry[] = [{context: ref.context, namespace: ref.namespace, action: 'error', reason: messageOf(error)}];
          return {source: {...ref, exists: true}, entries, summary: summarize(entries)};
        }),
      ),
    );
    if (flags['from-annotations'])
      plans.push(...(await planFromAnnotations(kube, sourceApi, planOptions, flags['cluster-name'], flags.namespace, syncClusters)).plans);
    return plans;
  };

  // sync-contexts: every other cluster of the kubeconfig (as Kubed's mounted kubeconfig) is watched, and pruned when a source loses the annotation.
  const syncClusters = flags['from-annotations'] ? await otherClusters(kube, sourceApi) : [];
  const watches = watchesFor(
    sourceApi,
    clusters.map((c) => c.api),
    named.map((n) => n.ref),
    flags['from-annotations'],
    flags.namespace,
    syncClusters,
    namedTargetsOnly(selection) ? (selection.names ?? []) : undefined,
  );
  const events = new EventRecorder(kube, context, COMPONENT, identity);
  let eventFailureLogged = false;

  let elector: LeaderElector | undefined;
  let stopping = false;
  let firstPassDone = false;
  const mayWrite = () => !stopping && (elector === undefined || elector.isLeader());
  let loop: {stop: () => void; done: Promise<unknown>} | undefined;
  const startLoop = () => {
    firstPassDone = false;
    const runId = RunStore.newRunId(new Date());
    const writer = new WritePath({
      mode: 'none',
      fieldManager: flags['field-manager'],
      runId,
      journal: () =>
        RunStore.default('none').create({runId, createdAt: new Date().toISOString(), command: 'fanout', source: {context, namespace}}),
    });
    let stopLoop!: () => void;
    const stopped = new Promise<void>((resolve) => (stopLoop = resolve));
    const done = runReconcileLoop({
      watches,
      buildPlans,
      apply: (plan) =>
        applyFanoutPlan(plan, clientsFor(kube, plan), {
          writer,
          concurrency: flags.concurrency,
          qps: flags.qps,
          stopRequested: () => !mayWrite(),
        }),
      resyncMs,
      log: (text) => (text.startsWith('error:') ? log.error(text.slice('error: '.length)) : log.info(text)),
      action: (action) => {
        log.action(action);
        // A source not known to exist (deleted, or copies that could not be read) has no object to hold an Event.
        if (action.outcome !== 'failed' || action.plan.source.exists === false) return;
        const {source} = action.plan;
        const message = `${action.entry.action} in ${action.entry.context}/${action.entry.namespace}: ${action.message ?? 'failed'}`;
        events.warn({kind: source.kind, name: source.name, namespace: source.namespace}, 'CopyFailed', message).catch((error: unknown) => {
          if (eventFailureLogged) return;
          eventFailureLogged = true;
          log.error(`cannot record events: ${messageOf(error)}`);
        });
      },
      onPass: (pass) => {
        firstPassDone = true;
        metrics.recordPass(pass);
      },
      stop: stopped,
      signals: false,
    });
    loop = {stop: stopLoop, done};
  };
  const stopLoop = async () => {
    const current = loop;
    loop = undefined;
    if (!current) return;
    current.stop();
    await current.done;
  };

  const signal =
    io.stopSignal ??
    new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
  let server: Server | undefined;
  if (bind)
    server = await serveMetrics(metrics, bind, {
      healthy: () => true,
      ready: () => (elector === undefined ? firstPassDone : elector.lastContactAt !== undefined && (!elector.isLeader() || firstPassDone)),
    }).catch((error: unknown) => {
      throw new UsageError(`--metrics-bind-address ${flags['metrics-bind-address']}: ${messageOf(error)}`);
    });
  const what = [
    ...named.map(({ref}) => `${ref.kind === 'Secret' ? 'secret' : 'configmap'}/${ref.name} in ${ref.namespace}`),
    ...(flags['from-annotations']
      ? [
          `sources annotated kubed.appscode.com/sync or sync-contexts in ${flags.namespace ? `namespace ${flags.namespace}` : 'all namespaces'}`,
        ]
      : []),
  ].join('; ');
  log.info(`controller ${identity} in context ${context}: ${what}; resync every ${Math.round(resyncMs / 1000)}s`, {
    identity,
    context,
    ...(bind ? {metrics: flags['metrics-bind-address']} : {}),
  });

  if (flags['leader-elect']) {
    const leaseNamespace =
      flags['lease-namespace'] ?? (existsSync(IN_CLUSTER_NAMESPACE) ? readFileSync(IN_CLUSTER_NAMESPACE, 'utf8').trim() : namespace);
    const store = new KubeLeaseStore(kube, context, leaseNamespace, flags['lease-name']);
    elector = new LeaderElector(store, {
      ...timing,
      identity,
      log: (text) => (text.startsWith('error:') ? log.error(text.slice('error: '.length)) : log.info(text)),
      onStartedLeading: () => {
        metrics.setLeader(true);
        // A new leader starts from the cluster as it is: a full pass, so nothing changed during failover is missed.
        startLoop();
      },
      onStoppedLeading: async () => {
        metrics.setLeader(false);
        await stopLoop();
      },
    });
    log.info(`waiting to lead: ${store.description} in context ${context}`, {lease: `${leaseNamespace}/${flags['lease-name']}`});
    const received = signal.then(() => {
      stopping = true;
    });
    await elector.run(received);
  } else {
    metrics.setLeader(true);
    startLoop();
    await signal;
    stopping = true;
    await stopLoop();
  }
  const received = await signal;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  log.info(`stopped (${received})`);
  return received === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
}

/**
 * What triggers a pass: for named sources, as `fanout --watch` (the source, namespaces and
 * copies in each target cluster); with --from-annotations, namespaces and every ConfigMap and
 * Secret of the source cluster (metadata only), since any of them may gain or lose an annotation.
 */
function watchesFor(
  sourceApi: ClusterApi,
  targets: ClusterApi[],
  refs: Array<import('../core/fanout-plan.js').SourceRef>,
  fromAnnotations: boolean,
  sourceNamespace: string | undefined,
  syncClusters: ClusterApi[],
  /** --to-namespace alone: copies are watched in those namespaces only, which is all a narrowed RBAC allows. */
  targetNamespaces: string[] | undefined,
): WatchTarget[] {
  const watches: WatchTarget[] = [];
  const add = (watch: WatchTarget) => {
    const key = `${watch.api.context} ${JSON.stringify(watch.resource)}`;
    if (!watches.some((w) => `${w.api.context} ${JSON.stringify(w.resource)}` === key)) watches.push(watch);
  };
  if (fromAnnotations) {
    add({api: sourceApi, resource: {kind: 'Namespace'}, what: 'namespaces'});
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      const plural = kind === 'Secret' ? 'secrets' : 'configmaps';
      if (sourceNamespace === undefined) add({api: sourceApi, resource: {kind}, what: plural});
      else {
        add({api: sourceApi, resource: {kind, namespace: sourceNamespace}, what: `${plural} in ${sourceNamespace}`});
        add({api: sourceApi, resource: {kind, labelSelector: ORIGIN_LABELS.id}, what: `copies (${plural})`});
      }
    }
  }
  // Copies through sync-contexts go to the source's namespace there: a namespace created, or a copy edited or deleted, is looked at again.
  for (const api of syncClusters) {
    add({api, resource: {kind: 'Namespace'}, what: 'namespaces'});
    for (const kind of ['ConfigMap', 'Secret'] as const)
      add({api, resource: {kind, labelSelector: ORIGIN_LABELS.id}, what: `copies (${kind === 'Secret' ? 'secrets' : 'configmaps'})`});
  }
  for (const ref of refs) {
    const name = `${ref.kind === 'Secret' ? 'secret' : 'configmap'}/${ref.name}`;
    add({
      api: sourceApi,
      resource: {kind: ref.kind, namespace: ref.namespace, fieldSelector: `metadata.name=${ref.name}`},
      what: `${name} (source)`,
    });
    for (const api of targets) {
      add({api, resource: {kind: 'Namespace'}, what: 'namespaces'});
      if (targetNamespaces === undefined)
        add({api, resource: {kind: ref.kind, labelSelector: originSelector(ref)}, what: `copies of ${name}`});
      else
        for (const namespace of targetNamespaces)
          add({api, resource: {kind: ref.kind, namespace, labelSelector: originSelector(ref)}, what: `copies of ${name} in ${namespace}`});
    }
  }
  return watches;
}

/**
 * The clusters sources may sync to by kubed.appscode.com/sync-contexts: one context per cluster of
 * the kubeconfig other than the source's (by cluster identity, never by name or URL). A context
 * whose identity cannot be read now is kept under its own name: its reads report the error.
 */
async function otherClusters(kube: Kubeconfig, sourceApi: ClusterApi): Promise<ClusterApi[]> {
  const identityOf = (api: ClusterApi) =>
    api.clusterIdentity().then(
      (i) => i.id,
      () => `context ${api.context}`,
    );
  const seen = new Set([await identityOf(sourceApi)]);
  const others: ClusterApi[] = [];
  for (const {name} of kube.contexts) {
    if (name === sourceApi.context) continue;
    const api = kube.cluster(name);
    const identity = await identityOf(api);
    if (seen.has(identity)) continue;
    seen.add(identity);
    others.push(api);
  }
  return others;
}

/** Targets named one by one (--to-namespace), with no pattern that could reach other namespaces. */
function namedTargetsOnly(selection: NamespaceSelection): boolean {
  return Boolean(selection.names?.length) && !selection.all && selection.selector === undefined && selection.regex === undefined;
}

/** A client for every context a plan writes through. */
function clientsFor(kube: Kubeconfig, plan: FanoutPlan): Map<string, ClusterApi> {
  return new Map([...new Set(plan.entries.map((e) => e.context))].map((c) => [c, kube.cluster(c)]));
}

function durationFlag(name: string, text: string): number {
  try {
    return parseTimerDuration(text);
  } catch (error) {
    throw new UsageError(`${name}: ${messageOf(error)}`);
  }
}
