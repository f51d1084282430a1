import type {ClusterApi, WatchHandle, WatchResource} from '../../core/cluster-api.js';
import {ExitCode, type ExitCodeValue} from '../../core/errors.js';
import {isWrite, originSelector, type FanoutEntry, type FanoutPlan, type SourceRef} from '../../core/fanout-plan.js';
import {renderWatchLine} from '../../ui/render-fanout.js';
import type {FanoutResult} from './apply-fanout.js';

export interface WatchFanoutOptions {
  ref: SourceRef;
  sourceApi: ClusterApi;
  targets: ClusterApi[];
  /** Reads everything again and plans (level-triggered: events only say "look again"). */
  buildPlan: () => Promise<FanoutPlan>;
  apply: (plan: FanoutPlan) => Promise<FanoutResult[]>;
  resyncMs: number;
  /** One line per action, on stderr. */
  log: (line: string) => void;
  confirmFirst: () => Promise<boolean>;
  /** --dry-run=server: every write is validated and none stored, so each line says what would happen. */
  dryRun?: boolean;
  now?: () => Date;
  /** Resolves to stop (tests); SIGINT and SIGTERM also stop. */
  stop?: Promise<void>;
}

/** What one watch follows, in which cluster, and how log lines name it. */
export interface WatchTarget {
  api: ClusterApi;
  resource: WatchResource;
  what: string;
}

/** One action of a pass (a write, or a standing condition reported once): what the log and the metrics see. */
export interface ReconcileAction {
  plan: FanoutPlan;
  entry: FanoutEntry;
  /** Absent for a write that was planned but not applied (not leading, stopping). */
  outcome?: FanoutResult['outcome'];
  message?: string;
}

/** The end of one read-plan-apply pass. */
export interface ReconcilePass {
  plans: FanoutPlan[];
  /** Per plan, the results of its writes (undefined when it had none). */
  results: Array<FanoutResult[] | undefined>;
  durationMs: number;
  /** The plans could not be built (the API server was unreachable, …). */
  error?: string;
  failed: boolean;
}

export interface ReconcileLoopOptions {
  /** Watches whose events trigger a pass. */
  watches: WatchTarget[];
  /** Reads everything again and plans every source (level-triggered: events only say "look again"). */
  buildPlans: () => Promise<FanoutPlan[]>;
  apply: (plan: FanoutPlan) => Promise<FanoutResult[]>;
  resyncMs: number;
  /** Status lines of the loop itself (watches ending, errors, stopping). */
  log: (text: string) => void;
  /** One call per action; standing conditions and repeated failures only when they first appear. */
  action: (action: ReconcileAction) => void;
  onPass?: (pass: ReconcilePass) => void;
  /** Resolves to stop; with `signals` (the default) SIGINT and SIGTERM also stop. */
  stop?: Promise<unknown>;
  signals?: boolean;
}

/** Quiet period after an event before reconciling, so a burst costs one pass. */
const DEBOUNCE_MS = 300;
/** A pass starts at most this long after the first event of a burst: steady churn cannot postpone it forever. */
const MAX_DEBOUNCE_MS = 2_000;
/** After a failed pass or write, try again this soon (not only at the next resync). */
const RETRY_MS = 5_000;
const MAX_RECONNECT_MS = 30_000;

/**
 * The reconcile engine of `fanout --watch` and `controller run`: any watch event (and a
 * periodic resync) triggers a full read-plan-apply pass over every source. Passes never
 * overlap; a burst of events costs one pass. Watches that end are re-opened with backoff,
 * which covers API server restarts. Resolves with the signal or 'stop' once a pass in
 * flight has finished its writes.
 */
export async function runReconcileLoop(options: ReconcileLoopOptions): Promise<'SIGINT' | 'SIGTERM' | 'stop'> {
  const {log} = options;
  let stopping = false;
  let running: Promise<void> | undefined;
  let dirty = false;
  let debounce: NodeJS.Timeout | undefined;
  let burstStartedAt: number | undefined;
  let retry: NodeJS.Timeout | undefined;
  const reported = new Set<string>();

  const pass = async () => {
    const started = performance.now();
    let plans: FanoutPlan[];
    try {
      plans = await options.buildPlans();
    } catch (error) {
      log(`error: ${(error as Error).message}; retrying`);
      options.onPass?.({plans: [], results: [], durationMs: performance.now() - started, error: (error as Error).message, failed: true});
      scheduleRetry();
      return;
    }
    const results: Array<FanoutResult[] | undefined> = [];
    for (const plan of plans) results.push(plan.entries.some(isWrite) && !stopping ? await options.apply(plan) : undefined);
    let failed = false;
    const seen = new Set<string>();
    plans.forEach((plan, p) =>
      plan.entries.forEach((entry, i) => {
        const result = results[p]?.[i];
        if (entry.action === 'unchanged') return;
        const source = `${plan.source.kind}/${plan.source.namespace}/${plan.source.name}`;
        if (entry.action === 'conflict' || entry.action === 'error') {
          // Standing conditions are logged once, not at every pass.
          const key = `${source} ${entry.action} ${entry.context}/${entry.namespace} ${entry.reason}`;
          seen.add(key);
          if (!reported.has(key))
            options.action({plan, entry, outcome: entry.action === 'error' ? 'failed' : 'skipped', message: entry.reason});
          if (entry.action === 'error') failed = true;
          return;
        }
        if (result?.outcome === 'failed') {
          failed = true;
          // A target that keeps failing (e.g. forbidden) is retried, but logged once until it changes.
          const key = `${source} failed ${entry.action} ${entry.context}/${entry.namespace} ${result.message}`;
          seen.add(key);
          if (reported.has(key)) return;
        }
        options.action({plan, entry, outcome: result?.outcome, message: result?.outcome === 'failed' ? result.message : undefined});
      }),
    );
    for (const key of [...reported]) if (!seen.has(key)) reported.delete(key);
    for (const key of seen) reported.add(key);
    options.onPass?.({plans, results, durationMs: performance.now() - started, failed});
    if (failed) scheduleRetry();
  };

  const run = () => {
    if (stopping) return;
    if (running) {
      dirty = true;
      return;
    }
    running = (async () => {
      do {
        dirty = false;
        await pass();
      } while (dirty && !stopping);
    })().finally(() => {
      running = undefined;
    });
  };
  const trigger = () => {
    if (stopping) return;
    const now = Date.now();
    burstStartedAt ??= now;
    clearTimeout(debounce);
    debounce = setTimeout(
      () => {
        burstStartedAt = undefined;
        run();
      },
      Math.max(0, Math.min(DEBOUNCE_MS, burstStartedAt + MAX_DEBOUNCE_MS - now)),
    );
  };
  const scheduleRetry = () => {
    if (stopping || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      trigger();
    }, RETRY_MS);
  };

  const handles: Array<{handle?: WatchHandle; timer?: NodeJS.Timeout}> = [];
  const follow = ({api, resource, what}: WatchTarget) => {
    const slot: {handle?: WatchHandle; timer?: NodeJS.Timeout} = {};
    handles.push(slot);
    let failures = 0;
    const open = () => {
      if (stopping) return;
      slot.handle = api.watch(
        resource,
        () => {
          failures = 0;
          trigger();
        },
        (error) => {
          if (stopping) return;
          if (error) {
            failures++;
            const wait = Math.min(MAX_RECONNECT_MS, 500 * 2 ** Math.min(failures, 6));
            log(`watch of ${what} in context ${api.context} ended: ${error.message}; reconnecting in ${Math.round(wait / 100) / 10}s`);
            slot.timer = setTimeout(() => {
              open();
              // Events may have been missed while disconnected.
              trigger();
            }, wait);
          } else open(); // the server ends watches after their timeout: just re-open
        },
      );
    };
    open();
  };

  for (const watch of options.watches) follow(watch);
  const resync = setInterval(trigger, options.resyncMs);
  run();

  const listeners: Array<[NodeJS.Signals, () => void]> = [];
  const signal = await new Promise<'SIGINT' | 'SIGTERM' | 'stop'>((resolve) => {
    if (options.signals !== false)
      for (const name of ['SIGINT', 'SIGTERM'] as const) {
        const listener = () => resolve(name);
        listeners.push([name, listener]);
        process.once(name, listener);
      }
    // A stop promise that rejects still means stop.
    options.stop?.then(
      () => resolve('stop'),
      () => resolve('stop'),
    );
  });
  for (const [name, listener] of listeners) process.off(name, listener);
  stopping = true;
  clearInterval(resync);
  clearTimeout(debounce);
  clearTimeout(retry);
  for (const slot of handles) {
    clearTimeout(slot.timer);
    slot.handle?.stop();
  }
  // Let a pass in flight finish its writes, so no copy is left half-done.
  await running;
  return signal;
}

/**
 * `fanout --watch`: keeps one source's copies in sync until SIGINT/SIGTERM, watching the
 * source, the namespaces and the copies in every target cluster. Returns the exit code:
 * 0 on SIGTERM, 130 on SIGINT.
 */
export async function watchFanout(options: WatchFanoutOptions): Promise<ExitCodeValue> {
  if (!(await options.confirmFirst())) return ExitCode.declined;
  const now = options.now ?? (() => new Date());
  const log = (text: string) => options.log(`${now().toISOString()} ${text}`);
  const name = `${options.ref.kind === 'Secret' ? 'secret' : 'configmap'}/${options.ref.name}`;
  const contexts = [...new Set(options.targets.map((t) => t.context))];
  log(
    `watching ${name} in ${options.ref.context}/${options.ref.namespace}; targets in ${contexts.join(', ')}; resync every ${Math.round(options.resyncMs / 1000)}s`,
  );
  const watches: WatchTarget[] = [
    {
      api: options.sourceApi,
      resource: {kind: options.ref.kind, namespace: options.ref.namespace, fieldSelector: `metadata.name=${options.ref.name}`},
      what: `${name} (source)`,
    },
  ];
  // One watch per cluster, however many contexts reach it (a context whose identity cannot be read is watched on its own).
  const identities = await Promise.all(
    options.targets.map((api) =>
      api.clusterIdentity().then(
        (i) => i.id,
        () => `context ${api.context}`,
      ),
    ),
  );
  const seenClusters = new Set<string>();
  for (const [i, api] of options.targets.entries()) {
    if (seenClusters.has(identities[i])) continue;
    seenClusters.add(identities[i]);
    watches.push({api, resource: {kind: 'Namespace'}, what: 'namespaces'});
    watches.push({api, resource: {kind: options.ref.kind, labelSelector: originSelector(options.ref)}, what: `copies of ${name}`});
  }
  const signal = await runReconcileLoop({
    watches,
    buildPlans: async () => [await options.buildPlan()],
    apply: options.apply,
    resyncMs: options.resyncMs,
    log,
    action: ({plan, entry, outcome, message}) => options.log(renderWatchLine(plan, {...entry, outcome, message}, now(), options.dryRun)),
    stop: options.stop,
  });
  log(`stopped (${signal})`);
  return signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
}
