import type {ClusterApi, NamespaceInfo} from '../../core/cluster-api.js';
import {ClusterError} from '../../core/errors.js';
import {
  chooseTargets,
  isWrite,
  originSelector,
  type ClusterRead,
  type FanoutEntry,
  type FanoutPlan,
  type SourceRef,
  type TargetCluster,
} from '../../core/fanout-plan.js';
import type {NamespaceSelection} from '../../core/namespace-select.js';
import type {Owner} from '../../core/owners.js';
import type {ConfigObject} from '../../core/types.js';
import {JournalError} from '../../kube/run-store.js';
import type {WritePath} from '../../kube/write-path.js';
import {readTargetNamespaces} from './fanout-targets.js';

export interface FanoutResult {
  context: string;
  namespace: string;
  action: FanoutEntry['action'];
  conflict?: FanoutEntry['conflict'];
  outcome: 'done' | 'failed' | 'skipped' | 'unchanged';
  message?: string;
  owner?: Owner;
}

export interface ApplyFanoutOptions {
  /** The one write path: dry run, journal, preconditions. */
  writer: WritePath;
  /** Writes in flight at once, over all clusters. */
  concurrency: number;
  /** Writes per second per cluster; 0 for no limit. */
  qps: number;
  /** Called after each finished write, for progress. */
  onResult?: (result: FanoutResult, finished: number, total: number) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Checked before each write (SIGTERM, Ctrl-C): true lets the writes in flight finish and starts no more. */
  stopRequested?: () => boolean;
}

export const NOT_ATTEMPTED = 'not attempted: interrupted';

/** A target context and how its namespaces are chosen; its cluster identity is read with the rest. */
export interface FanoutCluster extends Omit<TargetCluster, 'cluster'> {
  api: ClusterApi;
}

/**
 * Reads what the plan needs: per cluster one LIST of namespaces and one LIST of
 * objects with the source's name (copies and same-name objects). A cluster that
 * cannot be read becomes an error entry; the others go on.
 */
export async function readFanoutTargets(ref: SourceRef, clusters: FanoutCluster[], selection: NamespaceSelection): Promise<ClusterRead[]> {
  type Read = {
    cluster: FanoutCluster;
    identity?: string;
    namespaces?: NamespaceInfo[];
    objects?: ConfigObject[];
    warning?: string;
    error?: string;
  };
  const reads = await Promise.all(
    clusters.map(async (cluster): Promise<Read> => {
      try {
        const [identity, read] = await Promise.all([cluster.api.clusterIdentity(), readTargetNamespaces(ref, cluster, selection)]);
        return {cluster, identity: identity.id, ...read};
      } catch (error) {
        return {cluster, error: (error as Error).message};
      }
    }),
  );
  const readable = reads.filter((r) => !r.error);
  const choices = chooseTargets(
    ref,
    readable.map((r) => ({
      context: r.cluster.context,
      server: r.cluster.server,
      cluster: r.identity!,
      defaultNamespace: r.cluster.defaultNamespace,
      namespaces: r.namespaces!,
    })),
    selection,
  );
  return reads.map((r): ClusterRead => {
    if (r.error) return {context: r.cluster.context, server: r.cluster.server, targets: [], objects: [], error: r.error};
    const choice = choices.find((c) => c.context === r.cluster.context)!;
    return {
      context: r.cluster.context,
      server: r.cluster.server,
      cluster: r.identity,
      targets: choice.targets,
      missing: choice.missing,
      terminating: choice.terminating,
      objects: r.objects!,
      ...(r.warning ? {warning: r.warning} : {}),
    };
  });
}

/** Copies of this source in each cluster: one LIST by the origin label. */
export async function readCopies(
  ref: SourceRef,
  clusters: ClusterApi[],
): Promise<Array<{context: string; cluster?: string; objects: ConfigObject[]; error?: string}>> {
  return Promise.all(
    clusters.map(async (api) => {
      try {
        const [identity, objects] = await Promise.all([
          api.clusterIdentity(),
          api.listConfigObjects(ref.kind, undefined, {labelSelector: originSelector(ref)}),
        ]);
        return {context: api.context, cluster: identity.id, objects};
      } catch (error) {
        return {context: api.context, objects: [], error: (error as Error).message};
      }
    }),
  );
}

/**
 * Applies the writes of a plan with bounded concurrency and a per-cluster rate limit
 * (429 and 5xx are retried once, in the seam). Every entry gets a result; one failing
 * target never stops the others.
 */
export async function applyFanoutPlan(
  plan: FanoutPlan,
  clusters: Map<string, ClusterApi>,
  options: ApplyFanoutOptions,
): Promise<FanoutResult[]> {
  const results: FanoutResult[] = plan.entries.map((entry) => ({
    context: entry.context,
    namespace: entry.namespace,
    action: entry.action,
    conflict: entry.conflict,
    ...(entry.owner ? {owner: entry.owner} : {}),
    outcome: entry.action === 'error' ? 'failed' : entry.action === 'conflict' ? 'skipped' : 'unchanged',
    message: entry.reason,
  }));
  const work = plan.entries.map((entry, index) => ({entry, index})).filter(({entry}) => isWrite(entry));
  const limiters = new Map<string, RateLimiter>();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let next = 0;
  let finished = 0;
  let journalBroken = false;
  const worker = async () => {
    while (next < work.length && !options.stopRequested?.() && !journalBroken) {
      const {entry, index} = work[next++];
      const api = clusters.get(entry.context);
      let limiter = limiters.get(entry.context);
      if (!limiter) limiters.set(entry.context, (limiter = new RateLimiter(options.qps, sleep)));
      try {
        if (!api) throw new ClusterError(`no client for context "${entry.context}"`);
        await limiter.take();
        await writeEntry(entry, api, options.writer);
        results[index] = {...results[index], outcome: 'done', message: undefined};
      } catch (error) {
        // Without a journal nothing more may be written; the rest is reported as not attempted.
        if (error instanceof JournalError) journalBroken = true;
        results[index] = {...results[index], outcome: 'failed', message: messageFor(entry, error)};
      }
      finished++;
      options.onResult?.(results[index], finished, work.length);
    }
  };
  await Promise.all(Array.from({length: Math.max(1, Math.min(options.concurrency, work.length))}, worker));
  for (const {index} of work.slice(next))
    results[index] = {...results[index], outcome: 'skipped', message: journalBroken ? NOT_ATTEMPTED_NO_JOURNAL : NOT_ATTEMPTED};
  return results;
}

export const NOT_ATTEMPTED_NO_JOURNAL = 'not attempted: the run journal cannot be written, so nothing more was written';

async function writeEntry(entry: FanoutEntry, api: ClusterApi, writer: WritePath): Promise<void> {
  // Updates and deletes are conditioned on the object as it was read; without it nothing is sent.
  if (entry.action !== 'create' && !entry.existing)
    throw new ClusterError(`${entry.context}/${entry.namespace}: the existing object was not read; nothing was written`);
  if (entry.action === 'prune') {
    try {
      await writer.delete(api, entry.existing!);
    } catch (error) {
      // Already gone (e.g. its namespace was deleted): the prune's goal is met.
      if ((error as {status?: number}).status !== 404) throw error;
    }
  } else if (entry.action === 'create') {
    await writer.create(api, entry.object!);
  } else if (entry.recreate) {
    await writer.recreate(api, entry.existing!, entry.object!);
  } else {
    await writer.update(api, entry.existing!, entry.object!);
  }
}

function messageFor(entry: FanoutEntry, error: unknown): string {
  const status = (error as {status?: number}).status;
  const message = (error as Error).message ?? String(error);
  // The seam's 409 text speaks of a changed object; for a create it means someone created it first.
  if (status === 409 && entry.action === 'create')
    return `already exists: ${entry.namespace} got an object with this name after the plan was made; run again`;
  return message;
}

/** A token bucket per cluster: at most `qps` requests a second, bursts of the same size. */
class RateLimiter {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly qps: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = qps;
  }

  async take(): Promise<void> {
    if (this.qps <= 0) return;
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.qps, this.tokens + ((now - this.last) / 1000) * this.qps);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.qps) * 1000));
    }
  }
}

export function hasFailures(results: FanoutResult[]): boolean {
  return results.some((r) => r.outcome === 'failed');
}
