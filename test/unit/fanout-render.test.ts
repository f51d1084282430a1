import {describe, expect, it} from 'vitest';
import {desiredCopy, planFanout, type SourceRef} from '../../src/core/fanout-plan.js';
import type {ConfigObject} from '../../src/core/types.js';
import {fanoutDocument} from '../../src/core/contracts/fanout-documents.js';
import {renderFanoutPlan, renderFanoutResults} from '../../src/ui/render-fanout.js';
import {expectSchema} from '../support/schemas.js';
import {createTheme} from '../../src/ui/theme.js';

const ref: SourceRef = {kind: 'Secret', name: 'creds', namespace: 'src', context: 'alpha', server: 'https://alpha', cluster: 'uid-alpha'};
const source: ConfigObject = {
  kind: 'Secret',
  name: 'creds',
  namespace: 'src',
  type: 'Opaque',
  labels: {},
  annotations: {},
  data: {password: 'hunter2'},
  binaryData: {},
};
const theme = createTheme(false);

function plan() {
  const stale = desiredCopy({...source, data: {password: 'old'}}, ref, 'b');
  const foreign: ConfigObject = {...source, namespace: 'c', data: {password: 'theirs'}};
  return planFanout(
    ref,
    source,
    [{context: 'alpha', server: ref.server, cluster: ref.cluster, targets: ['a', 'b', 'c'], objects: [stale, foreign]}],
    {onConflict: 'skip', prune: true},
  );
}

describe('render-fanout', () => {
  it('says why a target cannot be planned', () => {
    const missing = planFanout(
      ref,
      source,
      [{context: 'beta', server: 'https://beta', cluster: 'uid-beta', targets: [], missing: ['src'], objects: []}],
      {onConflict: 'skip', prune: true},
    );
    const text = renderFanoutPlan(missing, theme);
    expect(text).toMatch(/beta\s+src\s+error\s+namespace "src" not found/);
  });

  it('renders the plan as a kubectl-style table with a summary', () => {
    expect(renderFanoutPlan(plan(), theme)).toBe(
      [
        'Fanout of secret/creds in alpha/src',
        'CONTEXT   NAMESPACE   ACTION     DETAIL',
        'alpha     a           create',
        'alpha     b           update     changed: data',
        'alpha     c           conflict   not a copy of this source: skipped (--on-conflict overwrite|adopt)',
        'Plan: 1 to create, 1 to update, 0 to prune, 0 unchanged, 1 conflict, 0 errors',
        '',
      ].join('\n'),
    );
  });

  it('renders results with failures, and documents never carry values', () => {
    const p = plan();
    const results = [
      {context: 'alpha', namespace: 'a', action: 'create' as const, outcome: 'done' as const},
      {context: 'alpha', namespace: 'b', action: 'update' as const, outcome: 'failed' as const, message: 'forbidden: cannot update'},
      {context: 'alpha', namespace: 'c', action: 'conflict' as const, conflict: 'skip' as const, outcome: 'skipped' as const},
    ];
    const text = renderFanoutResults(p, results, theme);
    expect(text).toMatch(/alpha\s+b\s+update\s+FAILED\s+changed: data; forbidden: cannot update/);
    expect(text).toContain('Result: 1 created, 0 updated, 0 pruned, 0 unchanged, 1 conflict skipped, 1 failed');
    // A server dry run validated the writes and stored nothing: no row or total says "done" or "created".
    const dry = renderFanoutResults(p, results, theme, {dryRun: true});
    expect(dry).toMatch(/alpha\s+a\s+create\s+would create/);
    expect(dry).not.toMatch(/\bdone\b|\bcreated\b/);
    expect(dry).toContain('Result: would create 1, would update 0, would prune 0 (server-validated)');
    const json = JSON.stringify(fanoutDocument(p, results));
    expectSchema('fanout-plan', JSON.parse(json));
    expectSchema('fanout-plan', JSON.parse(JSON.stringify([fanoutDocument(p), fanoutDocument(p, results)])));
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('theirs');
    expect(JSON.parse(json).entries[1]).toMatchObject({
      namespace: 'b',
      action: 'update',
      outcome: 'failed',
      error: 'forbidden: cannot update',
    });
  });
});
