import {describe, expect, it} from 'vitest';
import {applyFanoutPlan, readFanoutTargets} from '../../src/cli/apply-fanout.js';
import type {ClusterApi, NamespaceInfo} from '../../src/core/cluster-api.js';
import {ClusterError} from '../../src/core/errors.js';
import {planFanout, type SourceRef} from '../../src/core/fanout-plan.js';
import type {ConfigObject} from '../../src/core/types.js';

/** An in-memory cluster: objects by namespace/name, with scripted failures per namespace. */
class MemoryCluster {
  objects = new Map<string, ConfigObject>();
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failures = new Map<string, number[]>();

  constructor(
    readonly context: string,
    readonly server: string,
    readonly namespaces: NamespaceInfo[],
  ) {}

  private async write(verb: string, namespace: string, run: () => void): Promise<void> {
    this.calls.push(`${verb} ${namespace}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 1));
    this.inFlight--;
    const scripted = this.failures.get(namespace);
    const status = scripted?.shift();
    if (status) throw new ClusterError(`HTTP ${status} for ${namespace}`, status);
    run();
  }

  api(): ClusterApi {
    const self = this;
    return {
      context: this.context,
      server: this.server,
      clusterIdentity: async () => ({id: `uid-${this.context}`, source: 'kube-system' as const}),
      listNamespaces: async () => this.namespaces,
      listConfigObjectsNamed: async (_kind, name) => [...this.objects.values()].filter((o) => o.name === name),
      createConfigObject: async (object) => {
        await self.write('create', object.namespace, () => self.objects.set(object.namespace, {...object, resourceVersion: '1'}));
        return object;
      },
      replaceConfigObject: async (object) => {
        await self.write('update', object.namespace, () => self.objects.set(object.namespace, object));
        return object;
      },
      deleteConfigObject: async (_kind, namespace) => {
        await self.write('delete', namespace, () => self.objects.delete(namespace));
      },
    } as Partial<ClusterApi> as ClusterApi;
  }
}

const ref: SourceRef = {kind: 'ConfigMap', name: 'app', namespace: 'src', context: 'alpha', server: 'https://alpha', cluster: 'uid-alpha'};
const source: ConfigObject = {kind: 'ConfigMap', name: 'app', namespace: 'src', labels: {}, annotations: {}, data: {k: 'v'}, binaryData: {}};
const options = {dryRun: false, fieldManager: 'kubectl-configsync', concurrency: 3, qps: 0, sleep: async () => undefined};

function nss(count: number): NamespaceInfo[] {
  return [{name: 'src', labels: {}}, ...Array.from({length: count}, (_, i) => ({name: `ns-${String(i).padStart(2, '0')}`, labels: {}}))];
}

async function plan(cluster: MemoryCluster) {
  const reads = await readFanoutTargets(ref, [{context: cluster.context, server: cluster.server, defaultNamespace: 'src', api: cluster.api()}], {all: true});
  return planFanout(ref, source, reads, {onConflict: 'skip', prune: true});
}

describe('applyFanoutPlan', () => {
  it('writes every target with at most --concurrency in flight, then a second plan has nothing to write', async () => {
    const cluster = new MemoryCluster('alpha', ref.server, nss(20));
    const first = await plan(cluster);
    const results = await applyFanoutPlan(first, new Map([['alpha', cluster.api()]]), options);
    expect(results.filter((r) => r.outcome === 'done')).toHaveLength(20);
    expect(cluster.maxInFlight).toBe(3);
    const second = await plan(cluster);
    expect(second.summary).toMatchObject({create: 0, update: 0, prune: 0, unchanged: 20});
  });

  it('retries 429 and 5xx with backoff, never 403, and reports each target', async () => {
    const cluster = new MemoryCluster('alpha', ref.server, nss(3));
    cluster.failures.set('ns-00', [429, 503]);
    cluster.failures.set('ns-01', [403]);
    cluster.failures.set('ns-02', [500, 500, 500, 500]);
    const sleeps: number[] = [];
    const results = await applyFanoutPlan(await plan(cluster), new Map([['alpha', cluster.api()]]), {...options, sleep: async (ms) => void sleeps.push(ms)});
    expect(results.map((r) => [r.namespace, r.outcome])).toEqual([
      ['ns-00', 'done'],
      ['ns-01', 'failed'],
      ['ns-02', 'failed'],
    ]);
    expect(results[1].message).toMatch(/403/);
    expect(cluster.calls.filter((c) => c === 'create ns-00')).toHaveLength(3);
    expect(cluster.calls.filter((c) => c === 'create ns-01')).toHaveLength(1);
    expect(cluster.calls.filter((c) => c === 'create ns-02')).toHaveLength(4);
    expect(sleeps.length).toBe(5);
  });

  it('a prune that finds the copy already gone counts as done', async () => {
    const cluster = new MemoryCluster('alpha', ref.server, [{name: 'src', labels: {}}, {name: 'ns-00', labels: {}}]);
    const first = await plan(cluster);
    await applyFanoutPlan(first, new Map([['alpha', cluster.api()]]), options);
    const reads = await readFanoutTargets(ref, [{context: 'alpha', server: ref.server, defaultNamespace: 'src', api: cluster.api()}], {regex: '^selects-nothing$'});
    const prune = planFanout(ref, source, reads, {onConflict: 'skip', prune: true});
    expect(prune.summary.prune).toBe(1);
    cluster.failures.set('ns-00', [404]);
    const results = await applyFanoutPlan(prune, new Map([['alpha', cluster.api()]]), options);
    expect(results.map((r) => [r.action, r.outcome])).toEqual([['prune', 'done']]);
  });
});

