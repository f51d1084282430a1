import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {applySync, applyUndo} from '../../src/cli/apply-sync.js';
import {BackupStore} from '../../src/cli/backup-store.js';
import type {ClusterApi, WriteOptions} from '../../src/core/cluster-api.js';
import {diffLocations} from '../../src/core/diff.js';
import {ClusterError, ConflictError} from '../../src/core/errors.js';
import {planSync, type SyncSelection} from '../../src/core/sync-plan.js';
import {objectRef, type ConfigKind, type ConfigObject, type Location} from '../../src/core/types.js';

/** An in-memory cluster with the API server's optimistic concurrency: a stale resourceVersion is a 409. */
class MemoryCluster implements Partial<ClusterApi> {
  readonly context = 'mem';
  readonly server = 'https://mem';
  readonly objects = new Map<string, ConfigObject>();
  readonly writes: string[] = [];
  failCreate?: (object: ConfigObject) => boolean;
  private version = 100;

  put(object: ConfigObject): ConfigObject {
    const stored = {...object, resourceVersion: String(++this.version)};
    this.objects.set(objectRef(object), stored);
    return stored;
  }
  async getConfigObject(kind: ConfigKind, _ns: string, name: string) {
    return this.objects.get(objectRef({kind, name}));
  }
  async createConfigObject(object: ConfigObject, options: WriteOptions) {
    this.writes.push(`create ${objectRef(object)}${options.dryRun ? ' (dry run)' : ''}`);
    if (this.objects.has(objectRef(object))) throw new ClusterError('already exists', 409);
    if (this.failCreate?.(object)) throw new ClusterError(`invalid: cannot create ${objectRef(object)}`, 422);
    return options.dryRun ? object : this.put(object);
  }
  async replaceConfigObject(object: ConfigObject, options: WriteOptions) {
    this.writes.push(`update ${objectRef(object)}`);
    const current = this.objects.get(objectRef(object));
    if (!current || current.resourceVersion !== object.resourceVersion) throw new ConflictError(`conflict: ${objectRef(object)} changed on the server after it was read`);
    return options.dryRun ? object : this.put(object);
  }
  async deleteConfigObject(kind: ConfigKind, _ns: string, name: string, options: WriteOptions & {resourceVersion?: string}) {
    this.writes.push(`delete ${objectRef({kind, name})}`);
    const current = this.objects.get(objectRef({kind, name}));
    if (options.resourceVersion && current?.resourceVersion !== options.resourceVersion) throw new ConflictError('conflict on delete');
    if (!options.dryRun) this.objects.delete(objectRef({kind, name}));
  }
}

const source: Location = {context: 'a', namespace: 'src', label: 'a/src'};
const target: Location = {context: 'mem', namespace: 'dst', label: 'mem/dst'};
const now = new Date('2025-01-01T00:00:00Z');
const all: SyncSelection = {keys: () => true, prune: false, recreate: false};

function cm(name: string, data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject {
  return {kind: 'ConfigMap', name, namespace: 'dst', labels: {}, annotations: {}, data, binaryData: {}, ...extra};
}

function setup(sources: ConfigObject[], targets: ConfigObject[], selection = all) {
  const cluster = new MemoryCluster();
  const stored = targets.map((t) => cluster.put(t));
  const report = diffLocations(source, target, sources, stored, {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});
  const {plan, writes} = planSync(report, sources, stored, selection, {now, runId: 'r1'});
  const backup = new BackupStore(join(mkdtempSync(join(tmpdir(), 'configsync-')), 'state', 'runs'));
  const apply = (dryRun: 'none' | 'server' = 'none') =>
    applySync(plan, writes, cluster as unknown as ClusterApi, {dryRun, fieldManager: 'kubectl-configsync', runId: 'r1', backup, now});
  return {cluster, plan, writes, backup, apply};
}

describe('applySync', () => {
  it('saves a 0600 backup in a 0700 directory before writing, then records what was written', async () => {
    const {cluster, backup, apply} = setup([cm('app', {A: '2'}), cm('new', {N: '1'})], [cm('app', {A: '1'})]);
    const result = await apply();
    expect(result.summary).toEqual({written: 2, unchanged: 0, skipped: 0, failed: 0});
    expect(result.objects.map((o) => [o.name, o.outcome, o.changedKeys])).toEqual([
      ['app', 'written', ['A']],
      ['new', 'written', ['N']],
    ]);
    expect(statSync(backup.dir).mode & 0o777).toBe(0o700);
    expect(backup.modeOf('r1')).toBe(0o600);
    const record = backup.load('r1');
    expect(record.entries.map((e) => [e.name, e.action, e.outcome, e.before?.data, e.after?.resourceVersion])).toEqual([
      ['app', 'update', 'written', {A: '1'}, cluster.objects.get('configmap/app')!.resourceVersion],
      ['new', 'create', 'written', undefined, cluster.objects.get('configmap/new')!.resourceVersion],
    ]);
    expect(JSON.parse(readFileSync(backup.pathOf('r1'), 'utf8')).kind).toBe('SyncBackup');
  });

  it('reports a target that moved after it was read, and still writes the others', async () => {
    const {cluster, apply} = setup([cm('a', {K: '2'}), cm('b', {K: '2'})], [cm('a', {K: '1'}), cm('b', {K: '1'})]);
    cluster.put({...cluster.objects.get('configmap/a')!, data: {K: 'edited'}});
    const result = await apply();
    expect(result.objects.map((o) => [o.name, o.outcome, o.conflict ?? false])).toEqual([
      ['a', 'failed', true],
      ['b', 'written', false],
    ]);
    expect(cluster.objects.get('configmap/a')!.data).toEqual({K: 'edited'});
  });

  it('writes nothing and keeps no backup for refused objects', async () => {
    const {cluster, backup, apply} = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true})]);
    const result = await apply();
    expect(result.objects[0]).toMatchObject({outcome: 'failed', error: expect.stringMatching(/immutable in target/)});
    expect(cluster.writes).toEqual([]);
    expect(backup.runIds()).toEqual([]);
  });

  it('recreates an immutable target, and puts the old object back when the create fails', async () => {
    const ok = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true})], {...all, recreate: true});
    expect((await ok.apply()).objects[0].outcome).toBe('written');
    expect(ok.cluster.objects.get('configmap/imm')).toMatchObject({data: {K: '2'}, immutable: true});

    const failing = setup([cm('imm', {K: '2'})], [cm('imm', {K: '1'}, {immutable: true})], {...all, recreate: true});
    failing.cluster.failCreate = (o) => o.data.K === '2';
    const result = await failing.apply();
    expect(result.objects[0]).toMatchObject({outcome: 'failed', error: expect.stringMatching(/the original object was restored$/)});
    expect(failing.cluster.objects.get('configmap/imm')).toMatchObject({data: {K: '1'}, immutable: true});
  });

  it('sends server dry runs without a backup', async () => {
    const {cluster, backup, apply} = setup([cm('app', {A: '2'})], [cm('app', {A: '1'})]);
    const result = await apply('server');
    expect(result.objects[0].outcome).toBe('written');
    expect(result.runId).toBeUndefined();
    expect(backup.runIds()).toEqual([]);
    expect(cluster.writes).toEqual(['update configmap/app']);
  });
});

describe('applyUndo', () => {
  it('restores updated objects, deletes created ones, and refuses objects changed after the sync unless forced', async () => {
    const {cluster, backup, apply} = setup([cm('app', {A: '2'}), cm('new', {N: '1'}), cm('later', {L: '2'})], [cm('app', {A: '1'}), cm('later', {L: '1'})]);
    await apply();
    cluster.put({...cluster.objects.get('configmap/later')!, data: {L: 'edited'}});
    const record = backup.load('r1');
    const result = await applyUndo(record, cluster as unknown as ClusterApi, {dryRun: 'none', fieldManager: 'kubectl-configsync', force: false});
    expect(result.objects.map((o) => [o.name, o.action, o.outcome])).toEqual([
      ['app', 'restore', 'restored'],
      ['later', 'restore', 'failed'],
      ['new', 'delete', 'restored'],
    ]);
    expect(result.objects[1].error).toMatch(/configmap\/later changed after the sync .*--force undoes it anyway/);
    expect(cluster.objects.get('configmap/app')!.data).toEqual({A: '1'});
    expect(cluster.objects.has('configmap/new')).toBe(false);
    expect(cluster.objects.get('configmap/later')!.data).toEqual({L: 'edited'});

    const forced = await applyUndo(record, cluster as unknown as ClusterApi, {dryRun: 'none', fieldManager: 'kubectl-configsync', force: true});
    expect(forced.objects.find((o) => o.name === 'later')?.outcome).toBe('restored');
    expect(cluster.objects.get('configmap/later')!.data).toEqual({L: '1'});
  });
});
