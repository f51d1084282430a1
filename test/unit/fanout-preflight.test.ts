import {describe, expect, it} from 'vitest';
import {accessNeeded, applyPreflight, describePreflight} from '../../src/core/fanout-preflight.js';
import {summarize, type FanoutEntry, type FanoutPlan} from '../../src/core/fanout-plan.js';

const entries: FanoutEntry[] = [
  {context: 'alpha', namespace: 'a', action: 'create'},
  {context: 'alpha', namespace: 'b', action: 'update'},
  {context: 'alpha', namespace: 'c', action: 'update', recreate: true},
  {context: 'alpha', namespace: 'd', action: 'prune'},
  {context: 'alpha', namespace: 'e', action: 'unchanged'},
];
const plan: FanoutPlan = {
  source: {kind: 'Secret', name: 's', namespace: 'src', context: 'alpha', server: 'https://a', cluster: 'uid', exists: true},
  entries,
  summary: summarize(entries),
};

describe('fanout preflight', () => {
  it('needs create, patch (updates are merge patches), delete + create to recreate, delete to prune', () => {
    expect(accessNeeded(plan).map((a) => `${a.namespace}:${a.verb}:${a.kind}`)).toEqual([
      'a:create:Secret',
      'b:patch:Secret',
      'c:delete:Secret',
      'c:create:Secret',
      'd:delete:Secret',
    ]);
  });

  it('turns writes the caller may not make into errors naming the permission, and counts the rest', () => {
    const checked = applyPreflight(plan, (a) => !(a.namespace === 'b' || (a.namespace === 'c' && a.verb === 'delete')));
    expect(checked.preflight).toEqual({
      total: 4,
      writable: 2,
      denied: [
        {context: 'alpha', namespace: 'b', verbs: ['patch']},
        {context: 'alpha', namespace: 'c', verbs: ['delete']},
      ],
    });
    expect(checked.entries.map((e) => e.action)).toEqual(['create', 'error', 'error', 'prune', 'unchanged']);
    expect(checked.entries[1].reason).toBe(
      'forbidden: you may not patch secrets in namespace "b" (access review before writing; planned: update)',
    );
    expect(checked.summary.error).toBe(2);
    expect(describePreflight(checked.preflight)).toBe('you can write 2 of 4 targets; not: alpha/b (patch), alpha/c (delete)');
  });
});
