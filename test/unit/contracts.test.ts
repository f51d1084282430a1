import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {summarizeRuns} from '../../src/core/contracts/run-list.js';
import type {RunRecord} from '../../src/core/journal.js';
import {DOCUMENT_SCHEMAS, expectSchema, validatorFor} from '../support/schemas.js';

describe('JSON contracts (schema/)', () => {
  it('every schema in schema/ is a known document and compiles with every reference resolved', () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'schema')).map((f) => f.replace(/\.schema\.json$/, ''));
    // The rules file is draft-07 and checked where it is read (test/unit/ignore.test.ts).
    expect(files.filter((f) => f !== 'rules-file').sort()).toEqual([...DOCUMENT_SCHEMAS].sort());
    for (const name of DOCUMENT_SCHEMAS) expect(typeof validatorFor(name)).toBe('function');
  });

  it('undo --list: run summaries carry names, never object bodies', () => {
    const record: RunRecord = {
      runId: '20260301-101010-abcd',
      createdAt: '2026-03-01T10:10:10Z',
      command: 'sync',
      source: {context: 'alpha', namespace: 'a'},
      target: {context: 'beta', namespace: 'b'},
      file: '/tmp/x.jsonl',
      entries: [
        {
          context: 'beta',
          kind: 'Secret',
          namespace: 'b',
          name: 'db',
          op: 'update',
          before: {kind: 'Secret', name: 'db', namespace: 'b', labels: {}, annotations: {}, data: {P: 'hunter2'}, binaryData: {}},
          afters: [],
          mayBeAbsent: false,
          outcome: 'written',
          keys: ['P'],
        },
      ],
    };
    const list = JSON.parse(JSON.stringify(summarizeRuns([record, {...record, runId: 'r2', undoneAt: '2026-03-02T00:00:00Z'}])));
    expectSchema('undo-result', list);
    expect(JSON.stringify(list)).not.toContain('hunter2');
    expect(validatorFor('undo-result')([{...list[0], objects: [{...list[0].objects[0], before: {}}]}])).toBe(false);
  });

  it('rejects what breaks a contract: unknown fields, values in results, wrong kinds', () => {
    const result = {
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'SyncResult',
      dryRun: 'none',
      source: {context: 'a', namespace: 'x', label: 'a/x'},
      target: {context: 'b', namespace: 'y', label: 'b/y'},
      summary: {written: 1, unchanged: 0, skipped: 0, failed: 0},
      objects: [{kind: 'ConfigMap', name: 'app', action: 'update', outcome: 'written', keys: [], changedKeys: ['A']}],
    };
    expectSchema('sync-result', result);
    const sync = validatorFor('sync-result');
    expect(sync({...result, kind: 'SyncPlan'})).toBe(false);
    expect(sync({...result, objects: [{...result.objects[0], data: {A: 'secret'}}]})).toBe(false);
    expect(sync({...result, dryRun: 'client'})).toBe(false);
    const status = {
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'FanoutStatus',
      source: {kind: 'ConfigMap', name: 'ca', namespace: 'p', context: 'alpha', server: 'https://a', cluster: 'uid', exists: true},
      copies: [{context: 'beta', namespace: 'x', state: 'stale'}],
      summary: {'in-sync': 0, stale: 1, edited: 0, orphaned: 0, missing: 0},
      errors: [],
    };
    expectSchema('fanout-status', status);
    expect(validatorFor('fanout-status')({...status, source: {...status.source, legacyServers: ['https://old']}})).toBe(false);
    expect(validatorFor('fanout-status')({...status, copies: [{context: 'beta', namespace: 'x', state: 'fine'}]})).toBe(false);
  });
});
