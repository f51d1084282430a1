import {mkdtempSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {applySync} from '../../src/actions/sync/apply-sync.js';
import {applyUndo} from '../../src/actions/undo/apply-undo.js';
import {diffLocations} from '../../src/core/diff.js';
import {planSync, type SyncSelection} from '../../src/core/sync-plan.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {prepareRunStore, RunStore} from '../../src/kube/run-store.js';
import {MemoryCluster} from '../support/memory-cluster.js';
import {expectSchema} from '../support/schemas.js';

const source: Location = {context: 'a', namespace: 'src', label: 'a/src'};
const target: Location = {context: 'mem', namespace: 'dst', label: 'mem/dst'};
const now = new Date('2025-01-01T00:00:00Z');
const all: SyncSelection = {keys: () => true, prune: false, recreate: false};

beforeAll(() => prepareRunStore());

function cm(name: string, data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject {
  return {kind: 'ConfigMap', name, namespace: 'dst', labels: {}, annotations: {}, data, binaryData: {}, ...extra};
}

function setup(
  sources: ConfigObject[],
  targets: ConfigObject[],
  selection = all,
  runId = 'r1',
  cluster = new MemoryCluster(),
  store = newStore(),
) {
  const stored = targets.map((t) => cluster.put(t));
  const read = stored.length > 0 ? stored : [];
  const report = diffLocations(source, target, sources, read, {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});
  const {plan, writes} = planSync(report, sources, read, selection, {now, runId});
  // Every result is checked against its JSON contract (schema/sync-result.schema.json).
  const apply = (dryRun: 'none' | 'server' = 'none') =>
    applySync(plan, writes, cluster, {dryRun, fieldManager: 'kubectl-configsync', runId, store, now}).then((result) => {
      expectSchema('sync-result', JSON.parse(JSON.stringify(result)));
      return result;
    });
  return {cluster, plan, writes, store, apply};
}

function newStore(): RunStore {
  return new RunStore(join(mkdtempSync(join(tmpdir(), 'configsync-')), 'state', 'runs'));
}

function undo(
  store: RunStore,
  cluster: MemoryCluster,
  runId: string,
  options: {force?: boolean; dryRun?: 'none' | 'client' | 'server'} = {},
) {
  const record = store.load(runId);
  const dryRun = options.dryRun ?? 'none';
  const journal = dryRun === 'none' ? store.reopen(record) : undefined;
  return applyUndo(record, () => cluster, {dryRun, fieldManager: 'kubectl-configsync', force: options.force ?? false, journal})
    .then((result) => {
      expectSchema('undo-result', JSON.parse(JSON.stringify(result)));
      return result;
    })
    .finally(() => journal?.close());
}

describe('applySync', () => {
  it('journals each write (0600 file in a 0700 directory) before sending it, with the full object before', async () => {
    const {cluster, store, apply} = setup([cm('app', {A: '2'}), cm('new', {N: '1'})], [cm('app', {A: '1'})]);
    const result = await apply();
    expect(result.summary).toEqual({written: 2, unchanged: 0, skipped: 0, failed: 0});
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(store.modeOf('r1')).toBe(0o600);
    const lines = readFileSync(store.pathOf('r1'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.op ?? l.outcome ?? l.command])).toEqual([
      ['run', 'sync'],
      ['intent', 'update'],
      ['result', 'written'],
      ['intent', 'create'],
      ['result', 'written'],
    ]);
    expect(lines[1].before).toMatchObject({name: 'app', data: {A: '1'}, uid: expect.any(String), resourceVersion: expect.any(String)});
    expect(lines[1].after.data).toEqual({A: '2'});
    const record = store.load('r1');
    expect(record.entries.map((e) => [e.name, e.op, e.outcome])).toEqual([
      ['app', 'update', 'written'],
      ['new', 'create', 'written'],
    ]);
    expect(cluster.requests).toEqual(['patch ConfigMap/dst/app', 'create ConfigMap/dst/new']);
  });

  it('patches only the selected keys and our annotations: ownerReferences, finalizers and other metadata stay', async () => {
    const owner = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-owner'};
    const {cluster, apply} = setup(
      [cm('app', {A: '2', B: 'source-b'})],
      [
        cm(
          'app',
          {A: '1', B: 'target-b'},
          {labels: {team: 'x'}, annotations: {keep: 'me'}, ownerReferences: [owner], finalizers: ['example.com/hold']},
        ),
      ],
      {...all, keys: (_o, k) => k.key === 'A'},
    );
    await apply();
    const stored = cluster.stored('ConfigMap', 'dst', 'app')!;
    expect(stored).toMatchObject({
      data: {A: '2', B: 'target-b'},
      labels: {team: 'x'},
      ownerReferences: [owner],
      finalizers: ['example.com/hold'],
    });
    expect(stored.annotations.keep).toBe('me');
  });

  it('reports a target that moved after it was read, and still writes the others', async () => {
    const {cluster, apply} = setup([cm('a', {K: '2'}), cm('b', {K: '2'})], [cm('a', {K: '1'}), cm('b', {K: '1'})]);
    cluster.put({...cluster.stored('ConfigMap', 'dst', 'a')!, data: {K: 'edited'}});
    const result = await apply();
    expect(result.objects.map((o) => [o.name, o.outcome, o.conflict ?? false])).toEqual([
      ['a', 'failed', true],
      ['b', 'written', false],
    ]);
    expect(cluster.stored('ConfigMap', 'dst', 'a')!.data).toEqual({K: 'edited'});
  });

  it('writes nothing and keeps no journal for refused objects', async () => {
    const {cluster, store, apply} = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true})]);
    const result = await apply();
    expect(result.objects[0]).toMatchObject({outcome: 'failed', error: expect.stringMatching(/immutable in target/)});
    expect(cluster.requests).toEqual([]);
    expect(store.list().records).toEqual([]);
  });

  it('recreates an immutable target, keeping its ownerReferences, labels and annotations', async () => {
    const owner = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-owner'};
    const ok = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true, ownerReferences: [owner], labels: {team: 'x'}})], {
      ...all,
      recreate: true,
    });
    expect((await ok.apply()).objects[0].outcome).toBe('written');
    expect(ok.cluster.stored('ConfigMap', 'dst', 'imm')).toMatchObject({
      data: {K: '2'},
      immutable: true,
      ownerReferences: [owner],
      labels: {team: 'x'},
    });
  });

  it('refuses to delete and recreate an object with finalizers (the delete would leave it stuck): nothing is sent', async () => {
    const held = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true, finalizers: ['example.com/hold']})], {
      ...all,
      recreate: true,
    });
    const result = await held.apply();
    expect(result.objects[0]).toMatchObject({outcome: 'failed', error: expect.stringMatching(/it has finalizers \(example.com\/hold\)/)});
    expect(held.cluster.requests).toEqual([]);
  });

  it('refuses to delete and recreate when the create would be forbidden: nothing is written', async () => {
    const denied = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true})], {...all, recreate: true});
    denied.cluster.denied.add('create ConfigMap');
    const result = await denied.apply();
    expect(result.objects[0]).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/refusing to delete and recreate configmap\/imm: you may not create/),
    });
    expect(denied.cluster.requests).toEqual([]);
    expect(denied.cluster.stored('ConfigMap', 'dst', 'imm')!.data).toEqual({K: '1'});
  });

  it('puts the original back (same metadata, new uid) when the create after the delete fails', async () => {
    const owner = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-owner'};
    const failing = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true, labels: {team: 'x'}, ownerReferences: [owner]})], {
      ...all,
      recreate: true,
    });
    const uidBefore = failing.cluster.stored('ConfigMap', 'dst', 'imm')!.uid;
    failing.cluster.fail('create', 'imm', 422);
    const result = await failing.apply();
    expect(result.objects[0]).toMatchObject({outcome: 'failed', error: expect.stringMatching(/was put back .*new uid/)});
    const restored = failing.cluster.stored('ConfigMap', 'dst', 'imm')!;
    expect(restored).toMatchObject({data: {K: '1'}, immutable: true, labels: {team: 'x'}, ownerReferences: [owner]});
    expect(restored.uid).not.toBe(uidBefore);
  });

  it('when even the restore fails, names an undo that works, and that undo creates the object again', async () => {
    const failing = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true})], {...all, recreate: true});
    failing.cluster.fail('create', 'imm', 422, 503);
    const result = await failing.apply();
    expect(result.objects[0].error).toMatch(/restore it with: kubectl configsync undo r1$/);
    expect(failing.cluster.stored('ConfigMap', 'dst', 'imm')).toBeUndefined();
    const undone = await undo(failing.store, failing.cluster, 'r1');
    expect(undone.objects.map((o) => [o.name, o.action, o.outcome])).toEqual([['imm', 'create', 'restored']]);
    expect(failing.cluster.stored('ConfigMap', 'dst', 'imm')).toMatchObject({data: {K: '1'}, immutable: true});
  });

  it('sends server dry runs without a journal', async () => {
    const {cluster, store, apply} = setup([cm('app', {A: '2'})], [cm('app', {A: '1'})]);
    const result = await apply('server');
    expect(result.objects[0].outcome).toBe('written');
    expect(result.runId).toBeUndefined();
    expect(store.list().records).toEqual([]);
    expect(cluster.requests).toEqual(['patch ConfigMap/dst/app (dry run)']);
  });

  it('writes nothing when the journal cannot be created', async () => {
    // A state directory below a regular file cannot be created (ENOTDIR), like a read-only or full disk.
    const file = join(mkdtempSync(join(tmpdir(), 'configsync-')), 'not-a-dir');
    writeFileSync(file, '');
    const {cluster, apply} = setup(
      [cm('app', {A: '2'})],
      [cm('app', {A: '1'})],
      all,
      'r1',
      new MemoryCluster(),
      new RunStore(join(file, 'runs')),
    );
    await expect(apply()).rejects.toThrow(/cannot write the run journal in .*not-a-dir\/runs: not a directory/);
    expect(cluster.requests).toEqual([]);
  });
});

describe('applyUndo', () => {
  it('restores updated objects, deletes created ones, and refuses objects changed after the run unless forced', async () => {
    const {cluster, store, apply} = setup(
      [cm('app', {A: '2'}), cm('new', {N: '1'}), cm('later', {L: '2'})],
      [cm('app', {A: '1'}), cm('later', {L: '1'})],
    );
    await apply();
    cluster.put({...cluster.stored('ConfigMap', 'dst', 'later')!, data: {L: 'edited'}});
    const result = await undo(store, cluster, 'r1');
    expect(result.objects.map((o) => [o.name, o.action, o.outcome])).toEqual([
      ['new', 'delete', 'restored'],
      ['later', 'none', 'failed'],
      ['app', 'patch', 'restored'],
    ]);
    expect(result.objects[1].error).toMatch(
      /configmap\/later in mem\/dst: changed after the run by someone else; --force restores it anyway/,
    );
    expect(cluster.stored('ConfigMap', 'dst', 'app')!.data).toEqual({A: '1'});
    expect(cluster.stored('ConfigMap', 'dst', 'new')).toBeUndefined();
    expect(cluster.stored('ConfigMap', 'dst', 'later')!.data).toEqual({L: 'edited'});

    const forced = await undo(store, cluster, 'r1', {force: true});
    expect(forced.objects.find((o) => o.name === 'later')?.outcome).toBe('restored');
    expect(cluster.stored('ConfigMap', 'dst', 'later')!.data).toEqual({L: '1'});
  });

  it('undoes two runs newest first without --force, comparing content rather than versions', async () => {
    const cluster = new MemoryCluster();
    const store = newStore();
    const first = setup(
      [cm('app', {A: '2', B: '2'})],
      [cm('app', {A: '1', B: '1'})],
      {...all, keys: (_o, k) => k.key === 'A'},
      'run-1',
      cluster,
      store,
    );
    await first.apply();
    const afterFirst = cluster.stored('ConfigMap', 'dst', 'app')!;
    const report = diffLocations(source, target, [cm('app', {A: '2', B: '2'})], [afterFirst], {
      kinds: ['ConfigMap'],
      showSecrets: false,
      salt: 's',
    });
    const second = planSync(
      report,
      [cm('app', {A: '2', B: '2'})],
      [afterFirst],
      {...all, keys: (_o, k) => k.key === 'B'},
      {now, runId: 'run-2'},
    );
    await applySync(second.plan, second.writes, cluster, {dryRun: 'none', fieldManager: 'kubectl-configsync', runId: 'run-2', store, now});
    expect(cluster.stored('ConfigMap', 'dst', 'app')!.data).toEqual({A: '2', B: '2'});

    expect((await undo(store, cluster, 'run-2')).summary).toMatchObject({restored: 1, failed: 0});
    expect(cluster.stored('ConfigMap', 'dst', 'app')!.data).toEqual({A: '2', B: '1'});
    expect((await undo(store, cluster, 'run-1')).summary).toMatchObject({restored: 1, failed: 0});
    expect(cluster.stored('ConfigMap', 'dst', 'app')).toMatchObject({data: {A: '1', B: '1'}, annotations: {}});
  });

  it('dry runs say what would be restored and write nothing', async () => {
    const {cluster, store, apply} = setup([cm('app', {A: '2'})], [cm('app', {A: '1'})]);
    await apply();
    const before = cluster.requests.length;
    const client = await undo(store, cluster, 'r1', {dryRun: 'client'});
    expect(client.objects.map((o) => o.outcome)).toEqual(['would-restore']);
    expect(client.summary.restored).toBe(0);
    const server = await undo(store, cluster, 'r1', {dryRun: 'server'});
    expect(server.objects.map((o) => o.outcome)).toEqual(['would-restore']);
    expect(cluster.requests.slice(before)).toEqual(['patch ConfigMap/dst/app (dry run)']);
    expect(cluster.stored('ConfigMap', 'dst', 'app')!.data).toEqual({A: '2'});
  });
});
