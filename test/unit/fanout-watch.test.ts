import {describe, expect, it} from 'vitest';
import {watchFanout} from '../../src/actions/fanout/fanout-watch.js';
import {MemoryCluster} from '../support/memory-cluster.js';
import type {FanoutPlan, SourceRef} from '../../src/core/fanout-plan.js';

const ref: SourceRef = {kind: 'ConfigMap', name: 'app', namespace: 'src', context: 'alpha', server: 'https://alpha', cluster: 'uid-alpha'};

/** The shared in-memory cluster; the test drives its watches by hand. */
function watchableCluster() {
  const api = new MemoryCluster('alpha', ref.server);
  return {api, opened: api.watches};
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function planWith(action: 'create' | 'unchanged'): FanoutPlan {
  const entries = [{context: 'alpha', namespace: 'a', action}];
  return {
    source: {...ref, exists: true},
    entries,
    summary: {create: action === 'create' ? 1 : 0, update: 0, unchanged: action === 'unchanged' ? 1 : 0, prune: 0, conflict: 0, error: 0},
  };
}

describe('watchFanout', () => {
  it('reconciles at start and on events, re-opens ended watches, logs one line per action, stops cleanly', async () => {
    const {api, opened} = watchableCluster();
    let passes = 0;
    let writesPending = true;
    const lines: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const done = watchFanout({
      ref,
      sourceApi: api,
      targets: [api],
      buildPlan: async () => {
        passes++;
        return planWith(writesPending ? 'create' : 'unchanged');
      },
      apply: async () => {
        writesPending = false;
        return [{context: 'alpha', namespace: 'a', action: 'create', outcome: 'done'}];
      },
      resyncMs: 3_600_000,
      log: (line) => lines.push(line),
      confirmFirst: async () => true,
      now: () => new Date('2026-01-01T00:00:00Z'),
      stop: stopped,
    });

    // Source, namespaces and copies are watched.
    await until(() => opened.length === 3);
    expect(opened.map((o) => o.resource)).toEqual([
      {kind: 'ConfigMap', namespace: 'src', fieldSelector: 'metadata.name=app'},
      {kind: 'Namespace'},
      {kind: 'ConfigMap', labelSelector: expect.stringMatching(/^configsync\.kubectl\.dev\/origin-id in \(/)},
    ]);
    await until(() => passes === 1);
    expect(lines.filter((l) => l.includes('created configmap/app in alpha/a'))).toHaveLength(1);

    // A burst of events costs one more pass.
    for (let i = 0; i < 5; i++) opened[1].onEvent({type: 'ADDED', name: `ns-${i}`});
    await until(() => passes === 2);

    // The server ends a watch normally: re-opened at once. An error: re-opened after backoff.
    opened[0].onEnd();
    await until(() => opened.length === 4);
    opened[1].onEnd(new Error('connection reset'));
    expect(lines.some((l) => /watch of namespaces in context alpha ended: connection reset; reconnecting/.test(l))).toBe(true);
    await until(() => opened.length === 5);

    stop();
    expect(await done).toBe(0);
    expect(opened.slice(2).every((o) => o.stopped)).toBe(true);
    expect(lines.at(-1)).toMatch(/stopped \(stop\)/);
  });

  it('steady churn (an event every 100 ms) does not postpone the pass beyond the burst cap', async () => {
    const {api, opened} = watchableCluster();
    let passes = 0;
    let stop!: () => void;
    const done = watchFanout({
      ref,
      sourceApi: api,
      targets: [api],
      buildPlan: async () => {
        passes++;
        return planWith('unchanged');
      },
      apply: async () => [],
      resyncMs: 3_600_000,
      log: () => undefined,
      confirmFirst: async () => true,
      stop: new Promise<void>((resolve) => (stop = resolve)),
    });
    await until(() => passes === 1);
    const started = Date.now();
    let i = 0;
    const churn = setInterval(() => opened[1].onEvent({type: 'ADDED', name: `ns-${i++}`}), 100);
    try {
      await until(() => passes === 2, 4_000);
    } finally {
      clearInterval(churn);
    }
    // 2 s cap after the first event of the burst, plus timer slack; a plain 300 ms debounce would never fire.
    expect(Date.now() - started).toBeLessThan(3_000);
    stop();
    expect(await done).toBe(0);
  });

  it('watches each cluster once, however many target contexts reach it', async () => {
    const {api, opened} = watchableCluster();
    // Another context reaching the same cluster (same identity) under another URL.
    const alias = new MemoryCluster('alpha-lh', 'https://localhost');
    alias.identity = 'uid-alpha';
    let stop!: () => void;
    const done = watchFanout({
      ref,
      sourceApi: api,
      targets: [api, alias],
      buildPlan: async () => planWith('unchanged'),
      apply: async () => [],
      resyncMs: 3_600_000,
      log: () => undefined,
      confirmFirst: async () => true,
      stop: new Promise<void>((resolve) => (stop = resolve)),
    });
    await until(() => opened.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(opened.map((o) => o.resource.kind)).toEqual(['ConfigMap', 'Namespace', 'ConfigMap']);
    expect(alias.watches).toHaveLength(0);
    stop();
    expect(await done).toBe(0);
  });

  it('does nothing when the confirmation is declined', async () => {
    const {api, opened} = watchableCluster();
    const code = await watchFanout({
      ref,
      sourceApi: api,
      targets: [api],
      buildPlan: async () => planWith('create'),
      apply: async () => [],
      resyncMs: 1000,
      log: () => undefined,
      confirmFirst: async () => false,
    });
    expect(code).toBe(5);
    expect(opened).toHaveLength(0);
  });
});
