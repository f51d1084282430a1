import {WritePath} from '../../kube/write-path.js';
import type {ClusterApi} from '../../core/cluster-api.js';
import type {ConfigTarget} from '../../core/consumers.js';
import {workloadRef} from '../../core/consumers.js';
import {ConfigSyncError, UsageError} from '../../core/errors.js';
import {
  planRestart,
  rolloutState,
  untrackedRollout,
  RESTART_API_VERSION,
  type PlannedRestart,
  type RestartPlan,
  type RestartPlanOptions,
} from '../../core/restart-plan.js';
import type {DryRun, RestartReport, WorkloadOutcome, WorkloadStatus} from '../../core/contracts/restart-report.js';
import type {ConfigKind} from '../../core/types.js';
import {WORKLOAD_KINDS} from '../../core/workload.js';
import {parseTimerDuration as parseDuration} from '../../core/duration.js';

export interface RestartFlagValues {
  'skip-volume-only': boolean;
  'max-parallel': number;
  wait: boolean;
  timeout: string;
  'halt-on-failure': boolean;
}

export interface RolloutOptions {
  dryRun: DryRun;
  fieldManager: string;
  wait: boolean;
  timeoutMs: number;
  haltOnFailure: boolean;
  pollIntervalMs?: number;
  /** Progress lines for stderr. */
  progress?: (line: string) => void;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export function rolloutOptionsFrom(
  flags: RestartFlagValues & {'dry-run': DryRun; 'field-manager': string},
  progress?: (line: string) => void,
): RolloutOptions {
  let timeoutMs: number;
  try {
    timeoutMs = parseDuration(flags.timeout);
  } catch (error) {
    throw new UsageError(`--timeout: ${(error as Error).message}`);
  }
  return {
    dryRun: flags['dry-run'],
    fieldManager: flags['field-manager'],
    wait: flags.wait,
    timeoutMs,
    haltOnFailure: flags['halt-on-failure'],
    progress,
  };
}

/**
 * One LIST per workload kind in the namespace, or in all namespaces (three in all), then the pure plan.
 * A label selector narrows the LISTs on the server, so unmatched workloads are never sent.
 */
export async function readRestartPlan(
  cluster: ClusterApi,
  namespace: string | undefined,
  targets: ConfigTarget[],
  options: RestartPlanOptions,
  selector?: string,
): Promise<RestartPlan> {
  const listOptions = selector === undefined ? undefined : {labelSelector: selector};
  const lists = await Promise.all(WORKLOAD_KINDS.map((kind) => cluster.listWorkloads(kind, namespace, listOptions)));
  return planRestart({context: cluster.context, namespace, workloads: lists.flat(), targets, selector}, options);
}

/** What the plan would do, without writing: the report for --dry-run=client and for the preview. */
export function previewRestartPlan(plan: RestartPlan, dryRun: DryRun): RestartReport {
  return report(
    plan,
    dryRun,
    plan.items.map((item) => outcomeOf(item, item.action === 'restart' ? {status: 'would-restart'} : {status: 'skipped'})),
  );
}

/**
 * Restarts wave by wave through the seam: the same strategic-merge patch as
 * `kubectl rollout restart`. Every workload gets an outcome; one failure does
 * not stop the others unless --halt-on-failure.
 */
export async function applyRestartPlan(cluster: ClusterApi, plan: RestartPlan, options: RolloutOptions): Promise<RestartReport> {
  if (options.dryRun === 'client') return previewRestartPlan(plan, 'client');
  const outcomes = new Map<number, WorkloadOutcome>();
  plan.items.forEach((item, index) => {
    if (item.action === 'skip') outcomes.set(index, outcomeOf(item, {status: 'skipped'}));
  });
  const now = options.now ?? (() => new Date());
  // One timestamp for the run, in RFC 3339 like kubectl (no fraction of a second).
  const restartedAt = now()
    .toISOString()
    .replace(/\.\d+Z$/, 'Z');
  let halted = false;
  for (const [waveIndex, wave] of plan.waves.entries()) {
    if (halted) {
      for (const index of wave) {
        outcomes.set(
          index,
          outcomeOf(plan.items[index], {status: 'skipped', reason: 'not started: an earlier wave failed (--halt-on-failure)'}),
        );
      }
      continue;
    }
    if (plan.waves.length > 1)
      options.progress?.(`wave ${waveIndex + 1}/${plan.waves.length}: ${wave.map((i) => workloadRef(plan.items[i])).join(', ')}`);
    const results = await Promise.all(wave.map((index) => restartOne(cluster, plan.items[index], restartedAt, options)));
    wave.forEach((index, i) => outcomes.set(index, results[i]));
    if (options.haltOnFailure && results.some((r) => r.status === 'failed')) halted = true;
  }
  return report(
    plan,
    options.dryRun,
    plan.items.map((_, index) => outcomes.get(index)!),
  );
}

async function restartOne(
  cluster: ClusterApi,
  item: PlannedRestart,
  restartedAt: string,
  options: RolloutOptions,
): Promise<WorkloadOutcome> {
  const ref = workloadRef(item);
  let generation: number | undefined;
  let untracked: string | undefined;
  try {
    const patched = await new WritePath({mode: options.dryRun, fieldManager: options.fieldManager}).restart(
      cluster,
      item.kind,
      item.namespace,
      item.name,
      restartedAt,
    );
    if (!patched) return outcomeOf(item, {status: 'would-restart', restartedAt});
    generation = patched.generation;
    untracked = untrackedRollout(patched);
  } catch (error) {
    // Deleted between the list and the patch: nothing left to restart.
    if ((error as {status?: number}).status === 404)
      return outcomeOf(item, {status: 'skipped', reason: 'not found: deleted after it was listed'});
    return outcomeOf(item, {status: 'failed', reason: messageOf(error)});
  }
  if (options.dryRun === 'server') return outcomeOf(item, {status: 'would-restart', restartedAt});
  options.progress?.(`${ref} restarted`);
  if (!options.wait) return outcomeOf(item, {status: 'restarted', restartedAt});
  // Like kubectl rollout status: no rollout to follow is an error, not a success; no poll needed to know it.
  if (untracked)
    return outcomeOf(item, {
      status: 'failed',
      restartedAt,
      rollout: {state: 'failed', message: untracked},
      reason: `restarted, but ${untracked}`,
    });
  const rollout = await followRollout(cluster, item, generation, options);
  if (rollout.state === 'complete') return outcomeOf(item, {status: 'restarted', restartedAt, rollout});
  return outcomeOf(item, {status: 'failed', restartedAt, rollout, reason: `restarted, but ${rollout.message}`});
}

/** Polls the workload (one GET per interval) until the rollout completes, fails or the timeout passes. */
async function followRollout(
  cluster: ClusterApi,
  item: PlannedRestart,
  generation: number | undefined,
  options: RolloutOptions,
): Promise<NonNullable<WorkloadOutcome['rollout']>> {
  const ref = workloadRef(item);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = options.pollIntervalMs ?? 1000;
  const timeoutText = formatDuration(options.timeoutMs);
  const started = Date.now();
  let elapsed = 0;
  let last = '';
  for (;;) {
    let current;
    try {
      current = await cluster.getWorkload(item.kind, item.namespace, item.name);
    } catch (error) {
      return {state: 'failed', message: `following the rollout failed: ${messageOf(error)}`};
    }
    if (!current) return {state: 'failed', message: 'the workload was deleted during the rollout'};
    const state = rolloutState(current, generation);
    if (state.done) {
      options.progress?.(`${ref}: ${state.message}`);
      return {state: 'complete', message: state.message};
    }
    if (state.failed) return {state: 'failed', message: `rollout failed: ${state.message}`};
    if (state.untracked) return {state: 'failed', message: state.message};
    if (state.message !== last) options.progress?.(`${ref}: waiting: ${state.message}`);
    last = state.message;
    if (elapsed >= options.timeoutMs) return {state: 'timeout', message: `rollout not completed within ${timeoutText} (${state.message})`};
    // One last look exactly at the deadline.
    const pause = Math.min(interval, options.timeoutMs - elapsed);
    await sleep(pause);
    // An injected sleep has no wall clock behind it, so count the waits instead.
    elapsed = options.sleep ? elapsed + pause : Date.now() - started;
  }
}

export interface ConfigChange {
  kind: ConfigKind;
  name: string;
  /** Keys that actually changed; undefined means the whole object. */
  keys?: string[];
}

/**
 * For `sync --restart`: restart the workloads that read the keys a sync
 * actually changed, after its writes succeeded. Objects with no changed keys
 * are left out; with nothing changed nothing is read.
 */
export async function restartConsumers(
  cluster: ClusterApi,
  namespace: string,
  changes: ConfigChange[],
  options: RolloutOptions & RestartPlanOptions,
): Promise<RestartReport> {
  const plan = await planConsumerRestarts(cluster, namespace, changes, options);
  if (plan.targets.length === 0) return report(plan, options.dryRun, []);
  return applyRestartPlan(cluster, plan, options);
}

/**
 * The restarts `restartConsumers` would carry out for these changes, read (never written): the
 * preview a sync shows before asking, and the plan it carries out after writing.
 */
export async function planConsumerRestarts(
  cluster: ClusterApi,
  namespace: string,
  changes: ConfigChange[],
  options: RestartPlanOptions,
): Promise<RestartPlan> {
  const targets: ConfigTarget[] = changes
    .filter((c) => c.keys === undefined || c.keys.length > 0)
    .map((c) => ({kind: c.kind, name: c.name, keys: c.keys ? [...new Set(c.keys)].sort() : undefined}));
  const planOptions = {
    skipVolumeOnly: options.skipVolumeOnly,
    maxParallel: options.maxParallel,
    ...(options.confirmed ? {confirmed: options.confirmed} : {}),
  };
  if (targets.length === 0) return planRestart({context: cluster.context, namespace, workloads: [], targets}, planOptions);
  return readRestartPlan(cluster, namespace, targets, planOptions);
}

/** True when every restart that was attempted failed: the whole command failed, not part of it. */
export function allRestartsFailed(report: RestartReport): boolean {
  const attempted = report.workloads.filter((w) => w.status === 'restarted' || w.status === 'failed' || w.status === 'would-restart');
  return attempted.length > 0 && attempted.every((w) => w.status === 'failed') && attempted.every((w) => !w.rollout);
}

function outcomeOf(item: PlannedRestart, outcome: Partial<WorkloadOutcome> & {status: WorkloadStatus}): WorkloadOutcome {
  return {
    kind: item.kind,
    name: item.name,
    namespace: item.namespace,
    status: outcome.status,
    reason: outcome.reason ?? item.reason,
    wave: item.wave,
    volumeOnly: item.volumeOnly,
    restartedAt: outcome.restartedAt,
    rollout: outcome.rollout,
    references: item.references,
    ...(item.owner ? {owner: item.owner} : {}),
  };
}

function report(plan: RestartPlan, dryRun: DryRun, workloads: WorkloadOutcome[]): RestartReport {
  return {
    apiVersion: RESTART_API_VERSION,
    kind: 'RestartReport',
    context: plan.context,
    ...(plan.namespace === undefined ? {allNamespaces: true as const} : {namespace: plan.namespace}),
    targets: plan.targets,
    ...(plan.selector === undefined ? {} : {selector: plan.selector}),
    dryRun,
    workloadsScanned: plan.workloadsScanned,
    workloads,
    summary: {
      consumers: workloads.length,
      restarted: workloads.filter((w) => w.status === 'restarted' || w.status === 'would-restart').length,
      skipped: workloads.filter((w) => w.status === 'skipped').length,
      failed: workloads.filter((w) => w.status === 'failed').length,
    },
  };
}

function messageOf(error: unknown): string {
  if (error instanceof ConfigSyncError) return error.message;
  return (error as Error)?.message?.split('\n')[0] ?? String(error);
}

/** The keys a sync actually wrote, per object, as restartConsumers takes them. */
export function changesFromSync(objects: Array<{kind: ConfigKind; name: string; outcome: string; changedKeys: string[]}>): ConfigChange[] {
  return objects
    .filter((o) => o.outcome === 'written' && o.changedKeys.length > 0)
    .map((o) => ({kind: o.kind, name: o.name, keys: o.changedKeys}));
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
