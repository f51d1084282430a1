import type {ClusterApi, WatchHandle, WatchResource} from '../core/cluster-api.js';
import {ExitCode, type ExitCodeValue} from '../core/errors.js';
import {originSelector, type FanoutPlan, type SourceRef} from '../core/fanout-plan.js';
import {renderWatchLine} from '../ui/render-fanout.js';
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
  now?: () => Date;
  /** Resolves to stop (tests); SIGINT and SIGTERM also stop. */
  stop?: Promise<void>;
}

/** Quiet period after an event before reconciling, so a burst costs one pass. */
const DEBOUNCE_MS = 300;
/** After a failed pass or write, try again this soon (not only at the next resync). */
const RETRY_MS = 5_000;
const MAX_RECONNECT_MS = 30_000;

/**
 * Keeps copies in sync until SIGINT/SIGTERM: watches the source, the namespaces and the
 * copies in every target cluster; any event (and a periodic resync) triggers a full
 * read-plan-apply pass. Watches that end are re-opened with backoff, which covers
 * API server restarts. Returns the exit code: 0 on SIGTERM, 130 on SIGINT.
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

  let stopping = false;
  let running: Promise<void> | undefined;
  let dirty = false;
  let debounce: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  const reported = new Set<string>();

  const pass = async () => {
    let plan: FanoutPlan;
    try {
      plan = await options.buildPlan();
    } catch (error) {
      log(`error: ${(error as Error).message}; retrying`);
      scheduleRetry();
      return;
    }
    const results = plan.entries.some((e) => e.action === 'create' || e.action === 'update' || e.action === 'prune')
      ? await options.apply(plan)
      : undefined;
    let failed = false;
    const seen = new Set<string>();
    plan.entries.forEach((entry, i) => {
      const result = results?.[i];
      if (entry.action === 'unchanged') return;
      if (entry.action === 'conflict' || entry.action === 'error') {
        // Standing conditions are logged once, not at every pass.
        const key = `${entry.action} ${entry.context}/${entry.namespace} ${entry.reason}`;
        seen.add(key);
        if (!reported.has(key))
          options.log(
            renderWatchLine(plan, {...entry, outcome: entry.action === 'error' ? 'failed' : 'skipped', message: entry.reason}, now()),
          );
        if (entry.action === 'error') failed = true;
        return;
      }
      if (result?.outcome === 'failed') {
        failed = true;
        // A target that keeps failing (e.g. forbidden) is retried, but logged once until it changes.
        const key = `failed ${entry.action} ${entry.context}/${entry.namespace} ${result.message}`;
        seen.add(key);
        if (reported.has(key)) return;
      }
      options.log(
        renderWatchLine(
          plan,
          {...entry, outcome: result?.outcome, message: result?.outcome === 'failed' ? result.message : undefined},
          now(),
        ),
      );
    });
    for (const key of [...reported]) if (!seen.has(key)) reported.delete(key);
    for (const key of seen) reported.add(key);
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
    clearTimeout(debounce);
    debounce = setTimeout(run, DEBOUNCE_MS);
  };
  const scheduleRetry = () => {
    if (stopping || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      trigger();
    }, RETRY_MS);
  };

  const handles: Array<{handle?: WatchHandle; timer?: NodeJS.Timeout}> = [];
  const follow = (api: ClusterApi, resource: WatchResource, what: string) => {
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

  follow(
    options.sourceApi,
    {kind: options.ref.kind, namespace: options.ref.namespace, fieldSelector: `metadata.name=${options.ref.name}`},
    `${name} (source)`,
  );
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
    follow(api, {kind: 'Namespace'}, 'namespaces');
    follow(api, {kind: options.ref.kind, labelSelector: originSelector(options.ref)}, `copies of ${name}`);
  }
  const resync = setInterval(trigger, options.resyncMs);
  run();

  const signal = await new Promise<'SIGINT' | 'SIGTERM' | 'stop'>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    // A stop promise that rejects still means stop.
    options.stop?.then(
      () => resolve('stop'),
      () => resolve('stop'),
    );
  });
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
  log(`stopped (${signal})`);
  return signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.ok;
}
