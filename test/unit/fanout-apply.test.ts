import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {applyFanoutPlan, readFanoutTargets} from '../../src/actions/fanout/apply-fanout.js';
import {planFanout, type SourceRef} from '../../src/core/fanout-plan.js';
import type {ConfigObject} from '../../src/core/types.js';
import {RunStore} from '../../src/kube/run-store.js';
import {WritePath} from '../../src/kube/write-path.js';
import {MemoryCluster} from '../support/memory-cluster.js';

const ref: SourceRef = {
  kind: 'ConfigMap',
  name: 'app',
  namespace: 'src',
  context: 'mem',
  server: 'https://mem.example',
  cluster: 'uid-mem',
};
const source: ConfigObject = {
  kind: 'ConfigMap',
  name: 'app',
  namespace: 'src',
  labels: {},
  annotations: {},
  data: {k: 'v'},
  binaryData: {},
};

function cluster(count: number, extra: Array<{name: string; phase?: string}> = []): MemoryCluster {
  const mem = new MemoryCluster();
  mem.namespaces = [
    {name: 'src', labels: {}},
    ...Array.from({length: count}, (_, i) => ({name: `ns-${String(i).padStart(2, '0')}`, labels: {}})),
    ...extra.map((n) => ({...n, labels: {}})),
  ];
  return mem;
}

function options(mode: 'none' | 'server' = 'none') {
  const store = new RunStore(join(mkdtempSync(join(tmpdir(), 'configsync-')), 'runs'));
  const writer = new WritePath({
    mode,
    fieldManager: 'kubectl-configsync',
    journal: () => store.create({runId: 'f1', createdAt: new Date().toISOString(), command: 'fanout'}),
    runId: 'f1',
  });
  return {writer, store, concurrency: 3, qps: 0, sleep: async () => undefined};
}

async function plan(
  mem: MemoryCluster,
  selection: Parameters<typeof readFanoutTargets>[2] = {all: true},
  onConflict: 'skip' | 'overwrite' = 'skip',
) {
  const reads = await readFanoutTargets(ref, [{context: mem.context, server: mem.server, defaultNamespace: 'src', api: mem}], selection);
  return planFanout(ref, source, reads, {onConflict, prune: true});
}

describe('applyFanoutPlan', () => {
  it('writes every target with at most --concurrency in flight, then a second plan has nothing to write', async () => {
    const mem = cluster(20);
    const results = await applyFanoutPlan(await plan(mem), new Map([['mem', mem]]), options());
    expect(results.filter((r) => r.outcome === 'done')).toHaveLength(20);
    expect(mem.maxInFlight).toBe(3);
    expect((await plan(mem)).summary).toMatchObject({create: 0, update: 0, prune: 0, unchanged: 20});
  });

  it('reports each failed target and writes the others', async () => {
    const mem = cluster(2);
    mem.fail('create', 'app', 403);
    const results = await applyFanoutPlan(await plan(mem), new Map([['mem', mem]]), {...options(), concurrency: 1});
    expect(results.map((r) => [r.namespace, r.outcome])).toEqual([
      ['ns-00', 'failed'],
      ['ns-01', 'done'],
    ]);
    expect(results[0].message).toMatch(/403/);
  });

  it('a prune that finds the copy already gone counts as done', async () => {
    const mem = cluster(1);
    await applyFanoutPlan(await plan(mem), new Map([['mem', mem]]), options());
    const prune = await plan(mem, {regex: '^selects-nothing$'});
    expect(prune.summary.prune).toBe(1);
    mem.fail('delete', 'app', 404);
    const results = await applyFanoutPlan(prune, new Map([['mem', mem]]), options());
    expect(results.map((r) => [r.action, r.outcome])).toEqual([['prune', 'done']]);
  });

  it('never deletes an object that is not a copy to overwrite it: an immutable one is refused', async () => {
    const mem = cluster(1);
    mem.put({...source, namespace: 'ns-00', data: {k: 'theirs'}, immutable: true});
    const refused = await plan(mem, {all: true}, 'overwrite');
    expect(refused.entries).toEqual([
      expect.objectContaining({namespace: 'ns-00', action: 'error', reason: expect.stringMatching(/never deleted for you/)}),
    ]);
    const results = await applyFanoutPlan(refused, new Map([['mem', mem]]), options());
    expect(results[0].outcome).toBe('failed');
    expect(mem.requests).toEqual([]);
  });

  it('a named namespace being deleted is a failure, never "in sync"', async () => {
    const mem = cluster(0, [{name: 'going', phase: 'Terminating'}]);
    const planned = await plan(mem, {names: ['going']});
    expect(planned.entries).toEqual([
      expect.objectContaining({namespace: 'going', action: 'error', reason: expect.stringMatching(/being deleted/)}),
    ]);
  });

  it('a server dry run sends only dry-run requests and opens no journal', async () => {
    const mem = cluster(2);
    const dry = options('server');
    await applyFanoutPlan(await plan(mem), new Map([['mem', mem]]), dry);
    expect(mem.requests.every((r) => r.endsWith('(dry run)'))).toBe(true);
    expect(dry.writer.journalOpened).toBeUndefined();
    expect(await mem.listConfigObjects('ConfigMap', undefined)).toEqual([]);
  });
});
