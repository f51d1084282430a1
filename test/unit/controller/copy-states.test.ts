import {describe, expect, it} from 'vitest';
import {copyStates} from '../../../src/controller/copy-states.js';
import type {FanoutEntry, FanoutPlan} from '../../../src/core/fanout-plan.js';

const source = {
  kind: 'ConfigMap' as const,
  name: 'app',
  namespace: 'src',
  context: 'alpha',
  server: 'https://a',
  cluster: 'c',
  exists: true,
};

function plan(actions: FanoutEntry['action'][]): FanoutPlan {
  const entries = actions.map((action, i) => ({context: 'alpha', namespace: `ns-${i}`, action}));
  return {source, entries, summary: {create: 0, update: 0, unchanged: 0, prune: 0, conflict: 0, error: 0}};
}

describe('copyStates', () => {
  it('counts what a pass left: unchanged and written in sync, unwritten stale, failures failed, prunes not done orphaned', () => {
    const plans = [plan(['unchanged', 'create', 'update', 'update', 'prune', 'prune', 'error', 'conflict'])];
    const outcomes = ['unchanged', 'done', 'failed', 'skipped', 'done', 'failed', 'failed', 'skipped'] as const;
    const results = [
      plans[0].entries.map((e, i) => ({context: e.context, namespace: e.namespace, action: e.action, outcome: outcomes[i]})),
    ];
    expect(copyStates(plans, results)).toEqual({in_sync: 2, stale: 1, failed: 2, orphaned: 1});
  });

  it('counts planned writes of a plan that was not applied as stale', () => {
    expect(copyStates([plan(['create', 'unchanged'])], [undefined])).toEqual({in_sync: 1, stale: 1, failed: 0, orphaned: 0});
  });
});
