// The write guarantees an adversarial review found broken, each pinned by a test of the pure rule.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {execFileSync} from 'node:child_process';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {desiredCopy, planTarget, type SourceRef} from '../../src/core/fanout-plan.js';
import {foldJournal, mayHaveWritten, JOURNAL_API_VERSION, type JournalLine} from '../../src/core/journal.js';
import {decideUndo} from '../../src/core/undo-plan.js';
import type {ConfigObject} from '../../src/core/types.js';
import {prepareRunStore, RunStore} from '../../src/kube/run-store.js';
import {WritePath} from '../../src/kube/write-path.js';
import {MemoryCluster} from '../support/memory-cluster.js';

const ref: SourceRef = {
  kind: 'ConfigMap',
  name: 'app',
  namespace: 'src',
  context: 'alpha',
  server: 'https://alpha:6443',
  cluster: 'uid-alpha',
};
const cm = (namespace: string, data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject => ({
  kind: 'ConfigMap',
  name: 'app',
  namespace,
  labels: {},
  annotations: {},
  data,
  binaryData: {},
  resourceVersion: '5',
  ...extra,
});

beforeAll(() => prepareRunStore());

describe('the journal fold', () => {
  it('counts an object as written when any of the run’s writes to it went through, so undo removes it', () => {
    const created = cm('t', {a: '1'});
    const at = '2026-01-01T00:00:00Z';
    const lines: JournalLine[] = [
      {type: 'run', apiVersion: JOURNAL_API_VERSION, runId: 'r', createdAt: at, command: 'fanout'},
      {
        type: 'intent',
        seq: 1,
        at,
        phase: 'run',
        op: 'create',
        context: 'beta',
        kind: 'ConfigMap',
        namespace: 't',
        name: 'app',
        after: created,
      },
      {type: 'result', seq: 1, at, outcome: 'written', object: created},
      {
        type: 'intent',
        seq: 2,
        at,
        phase: 'run',
        op: 'create',
        context: 'beta',
        kind: 'ConfigMap',
        namespace: 't',
        name: 'app',
        after: cm('t', {a: '2'}),
      },
      {type: 'result', seq: 2, at, outcome: 'failed', error: 'already exists'},
    ];
    const record = foldJournal(lines, 'r.jsonl');
    expect(record.entries.map((e) => e.outcome)).toEqual(['written']);
    expect(mayHaveWritten(record)).toBe(true);
    expect(decideUndo(record.entries[0], created, false)).toEqual({step: 'delete'});
  });
});

describe('fanout onto objects it does not own', () => {
  it('--on-conflict overwrite never makes someone else’s object immutable', () => {
    const theirs = cm('c', {a: 'theirs'}, {labels: {'app.kubernetes.io/managed-by': 'Helm'}});
    const entry = planTarget(ref, {...cm('src', {a: 'source'}), immutable: true}, 'alpha', 'c', theirs, {
      onConflict: 'overwrite',
      prune: true,
    });
    expect(entry.action).toBe('update');
    expect(entry.recreate).toBeUndefined();
    expect(entry.object?.immutable).toBeFalsy();
    expect(entry.object?.labels).toEqual(theirs.labels);
  });

  it('an update of a copy keeps labels and annotations others put on it; adopt keeps Helm’s', () => {
    const source = cm('src', {a: '1'}, {labels: {team: 'web'}});
    const copy = desiredCopy(source, ref, 'b');
    const decorated = {
      ...copy,
      labels: {...copy.labels, extra: 'x'},
      annotations: {...copy.annotations, 'example.com/other': 'yes'},
      resourceVersion: '9',
    };
    expect(planTarget(ref, source, 'alpha', 'b', decorated, {onConflict: 'skip', prune: true}).action).toBe('unchanged');
    const changed = planTarget(ref, {...source, data: {a: '2'}}, 'alpha', 'b', decorated, {onConflict: 'skip', prune: true});
    expect(changed.object?.labels.extra).toBe('x');
    expect(changed.object?.annotations['example.com/other']).toBe('yes');
    const helm = cm('b', {a: '0'}, {labels: {'app.kubernetes.io/managed-by': 'Helm'}, annotations: {'meta.helm.sh/release-name': 'r'}});
    const adopted = planTarget(ref, source, 'alpha', 'b', helm, {onConflict: 'adopt', prune: true});
    expect(adopted.object?.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(adopted.object?.annotations['meta.helm.sh/release-name']).toBe('r');
  });
});

describe('delete-and-create asks admission first', () => {
  it('refuses before deleting when the API server would not create the object again (quota, webhook, policy)', async () => {
    const mem = new MemoryCluster();
    const current = mem.put(cm('q', {K: 'old'}, {immutable: true}));
    mem.fail('create dry-run', 'app', 403);
    const writer = new WritePath({
      mode: 'none',
      fieldManager: 'kubectl-configsync',
      journal: () =>
        new RunStore(mkdtempSync(join(tmpdir(), 'cs-'))).create({runId: 'r', createdAt: new Date().toISOString(), command: 'sync'}),
    });
    await expect(writer.recreate(mem, current, {...current, data: {K: 'new'}})).rejects.toThrow(
      /would not create it again .*nothing was written/,
    );
    expect(mem.stored('ConfigMap', 'q', 'app')?.uid).toBe(current.uid);
    expect(mem.requests).toEqual(['create ConfigMap/q/app (dry run)']);
    // A server dry run sees the same refusal.
    mem.fail('create dry-run', 'app', 403);
    await expect(
      new WritePath({mode: 'server', fieldManager: 'kubectl-configsync'}).recreate(mem, current, {...current, data: {K: 'new'}}),
    ).rejects.toThrow(/would not create it again/);
  });
});

describe('run journals read back', () => {
  it('names a FIFO and a header without a valid time as unreadable, and still lists the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-runs-'));
    const store = new RunStore(dir);
    store.create({runId: '20260101-000000-aaaaaa', createdAt: '2026-01-01T00:00:00.000Z', command: 'sync'}).close();
    execFileSync('mkfifo', [join(dir, '20260101-000000-fifo.jsonl')]);
    writeFileSync(
      join(dir, '20260101-000000-badtime.jsonl'),
      `${JSON.stringify({type: 'run', apiVersion: JOURNAL_API_VERSION, runId: 'x', createdAt: 'zzzz', command: 'sync'})}\n`,
    );
    const {records, problems} = store.list();
    expect(records.map((r) => r.runId)).toEqual(['20260101-000000-aaaaaa']);
    expect(problems.map((p) => p.reason).sort()).toEqual([
      'not a regular file; not a kubectl-configsync run journal',
      'the run header has no valid createdAt time',
    ]);
  });
});
