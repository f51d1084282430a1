import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {isKeySelected, parseKeySelector, unmatchedPatterns} from '../../src/core/select-keys.js';
import {
  checkObject,
  MAX_DATA_BYTES,
  planSync,
  PROVENANCE,
  readSavedPlan,
  selectionFromSavedPlan,
  bindingMismatches,
  planMismatch,
  staleReason,
  type SyncSelection,
} from '../../src/core/sync-plan.js';
import {dataChecksum} from '../../src/core/fingerprint.js';
import {desiredCopy} from '../../src/core/fanout-plan.js';
import {copyableAnnotations} from '../../src/core/owned-metadata.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import type {ObjectDiff} from '../../src/core/diff.js';

const source: Location = {context: 'alpha', namespace: 'staging', label: 'alpha/staging'};
const target: Location = {context: 'beta', namespace: 'prod', label: 'beta/prod'};
const binding = {
  source: {cluster: 'uid-alpha', namespaceUid: 'ns-1'},
  target: {cluster: 'uid-beta', namespaceUid: 'ns-2'},
  saltId: '0123abcd',
};
const now = new Date('2025-03-04T05:06:07.890Z');

function object(name: string, data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject {
  return {kind: 'ConfigMap', name, namespace: 'x', resourceVersion: '10', labels: {}, annotations: {}, data, binaryData: {}, ...extra};
}

const all: SyncSelection = {keys: () => true, prune: false, recreate: false};

function plan(sources: ConfigObject[], targets: ConfigObject[], selection: SyncSelection = all, showSecrets = false) {
  const report = {...diffLocations(source, target, sources, targets, {kinds: ['ConfigMap', 'Secret'], showSecrets, salt: 's'}), binding};
  return {report, ...planSync(report, sources, targets, selection, {now, runId: 'run-1'})};
}

describe('planSync', () => {
  it('--keys touches only selected keys: an unselected Secret type difference neither blocks nor recreates', () => {
    const tlsSource = object('tls', {'tls.crt': 'c', 'tls.key': 'k'}, {kind: 'Secret', type: 'kubernetes.io/tls'});
    const tlsTarget = object('tls', {'tls.crt': 'c', 'tls.key': 'k'}, {kind: 'Secret', type: 'Opaque'});
    const app = [object('app', {LOG_LEVEL: 'debug'}), object('app', {LOG_LEVEL: 'info'})];
    const keysOnly: SyncSelection = {keys: (_o, k) => k.key === 'LOG_LEVEL', prune: false, recreate: true, keysOnly: true};
    const {plan: p, writes} = plan([tlsSource, app[0]], [tlsTarget, app[1]], keysOnly);
    expect(p.objects.map((o) => [o.name, o.action, o.problems])).toEqual([
      ['app', 'update', []],
      ['tls', 'skipped', []],
    ]);
    expect(writes.map((w) => w.object.name)).toEqual(['app']);
    // Without --keys the type difference is part of the sync, and needs --recreate.
    expect(plan([tlsSource], [tlsTarget], {...all, recreate: true}).plan.objects[0].action).toBe('recreate');
  });

  it('updates changed and added keys, keeps target-only keys, and records what it was computed from', () => {
    const src = object('app', {A: '1', B: 'new', C: 'added'}, {resourceVersion: '5'});
    const tgt = object('app', {A: '1', B: 'old', D: 'target-only'}, {resourceVersion: '77', labels: {team: 'x'}});
    const {plan: p, writes} = plan([src], [tgt]);
    expect(p.objects).toHaveLength(1);
    const planned = p.objects[0];
    expect(planned.action).toBe('update');
    expect(planned.keys.map((k) => [k.key, k.change])).toEqual([
      ['B', 'changed'],
      ['C', 'added'],
    ]);
    expect(planned.source?.checksum).toBe(dataChecksum(src));
    expect(planned.target?.resourceVersion).toBe('77');
    expect(writes[0].desired.data).toEqual({A: '1', B: 'new', C: 'added', D: 'target-only'});
    expect(writes[0].desired.resourceVersion).toBe('77');
    expect(writes[0].desired.labels).toEqual({team: 'x'});
    expect(p.summary).toMatchObject({update: 1, create: 0, refused: 0});
  });

  it('shows what changes inside a structured value, as the target will see it', () => {
    const src = object('app', {'app.yaml': 'server:\n  port: 9090\nnew: 1\n'});
    const tgt = object('app', {'app.yaml': 'server:\n  port: 8080\nold: 1\n'});
    const [key] = plan([src], [tgt]).plan.objects[0].keys;
    expect(key.format).toBe('yaml');
    expect(key.paths).toEqual([
      {path: 'new', change: 'added', new: '1'},
      {path: 'old', change: 'removed', old: '1'},
      {path: 'server.port', change: 'changed', old: '8080', new: '9090'},
    ]);
  });

  it('keeps Secret values out of path changes', () => {
    const secret = (data: Record<string, string>) => object('db', data, {kind: 'Secret', type: 'Opaque'});
    const [key] = plan([secret({'config.json': '{"password": "new"}'})], [secret({'config.json': '{"password": "old"}'})]).plan.objects[0]
      .keys;
    expect(key.paths).toEqual([{path: expect.stringMatching(/^\*\*\* \([0-9a-f]{8}\)$/), change: 'changed'}]);
    expect(JSON.stringify(key)).not.toContain('password');
  });

  it('removes target-only keys only with prune', () => {
    const src = object('app', {A: '2'});
    const tgt = object('app', {A: '1', OLD: 'x'});
    const {writes} = plan([src], [tgt], {...all, prune: true});
    expect(writes[0].object.keys.map((k) => [k.key, k.change])).toEqual([
      ['A', 'changed'],
      ['OLD', 'removed'],
    ]);
    expect(writes[0].desired.data).toEqual({A: '2'});
  });

  it('skips an object whose only difference is a target-only key, and says why', () => {
    const {plan: p, writes} = plan([object('app', {A: '1'})], [object('app', {A: '1', OLD: 'x'})]);
    expect(writes).toHaveLength(0);
    expect(p.objects[0]).toMatchObject({action: 'skipped', reason: 'only target-only keys differ (kept; --prune removes them)'});
  });

  it('writes provenance annotations under one prefix, with a checksum of the data as written', () => {
    const {writes} = plan(
      [object('app', {A: '2'})],
      [object('app', {A: '1'}, {annotations: {[PROVENANCE.runId]: 'old-run', note: 'keep'}})],
    );
    const annotations = writes[0].desired.annotations;
    expect(annotations).toEqual({
      note: 'keep',
      [PROVENANCE.source]: 'alpha/staging',
      [PROVENANCE.syncedAt]: '2025-03-04T05:06:07Z',
      [PROVENANCE.checksum]: dataChecksum({kind: 'ConfigMap', data: {A: '2'}, binaryData: {}}),
      [PROVENANCE.runId]: 'run-1',
    });
    expect(Object.keys(PROVENANCE).every((k) => PROVENANCE[k as keyof typeof PROVENANCE].startsWith('configsync.kubectl.dev/'))).toBe(true);
  });

  it('creates missing objects whole, copying only user-owned labels and annotations', () => {
    const src = object(
      'new',
      {A: '1'},
      {
        labels: {app: 'web', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'web'},
        annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{}', 'meta.helm.sh/release-name': 'r', owner: 'me'},
        resourceVersion: '3',
        uid: 'u',
      },
    );
    const {writes} = plan([src], []);
    expect(writes[0].object.action).toBe('create');
    expect(writes[0].desired).toMatchObject({namespace: 'prod', data: {A: '1'}, labels: {app: 'web', 'app.kubernetes.io/name': 'web'}});
    expect(writes[0].desired.resourceVersion).toBeUndefined();
    expect(writes[0].desired.uid).toBeUndefined();
    expect(writes[0].desired.annotations.owner).toBe('me');
    expect(writes[0].desired.annotations['meta.helm.sh/release-name']).toBeUndefined();
    expect(writes[0].desired.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
  });

  it('honours the key selection and the object selection', () => {
    const keys = parseKeySelector(['LOG_*', 'other:X'])!;
    const selection: SyncSelection = {keys: (o, k) => isKeySelected(keys, o.name, k.key), prune: false, recreate: false};
    const {plan: p} = plan(
      [object('app', {LOG_LEVEL: 'debug', X: '1', PORT: '1'}), object('other', {X: '2'})],
      [object('app', {LOG_LEVEL: 'info', X: '0', PORT: '2'}), object('other', {X: '1'})],
      selection,
    );
    expect(p.objects.map((o) => [o.name, o.keys.map((k) => k.key)])).toEqual([
      ['app', ['LOG_LEVEL']],
      ['other', ['X']],
    ]);
    const narrowed = plan([object('app', {A: '2'}), object('b', {A: '2'})], [object('app', {A: '1'}), object('b', {A: '1'})], {
      ...all,
      objects: ['configmap/b'],
    });
    expect(narrowed.plan.objects.map((o) => [o.name, o.action, o.reason])).toEqual([
      ['app', 'skipped', 'not selected'],
      ['b', 'update', undefined],
    ]);
  });

  it('never syncs ignored keys and reports identical objects as unchanged', () => {
    const sources = [object('app', {A: '2', HOST: 'a'}), object('same', {A: '1'})];
    const targets = [object('app', {A: '1', HOST: 'b'}), object('same', {A: '1'})];
    const report = diffLocations(source, target, sources, targets, {
      kinds: ['ConfigMap'],
      showSecrets: false,
      salt: 's',
      ignore: {keys: ['HOST'], objects: []},
    });
    const {plan: p, writes} = planSync(report, sources, targets, all, {now});
    expect(p.objects.map((o) => [o.name, o.action])).toEqual([
      ['app', 'update'],
      ['same', 'unchanged'],
    ]);
    expect(writes[0].desired.data).toEqual({A: '2', HOST: 'b'});
  });

  it('refuses immutable targets unless recreate, which drops the resourceVersion', () => {
    const src = object('imm', {A: '2'});
    const tgt = object('imm', {A: '1'}, {immutable: true, resourceVersion: '9'});
    const refused = plan([src], [tgt]);
    expect(refused.plan.objects[0].problems[0]).toMatch(/immutable in target: its data cannot be changed; rerun with --recreate/);
    expect(refused.writes).toHaveLength(0);
    const recreated = plan([src], [tgt], {...all, recreate: true});
    expect(recreated.plan.objects[0].action).toBe('recreate');
    expect(recreated.writes[0].desired).toMatchObject({immutable: true, data: {A: '2'}});
    expect(recreated.writes[0].desired.resourceVersion).toBeUndefined();
    expect(recreated.writes[0].before?.resourceVersion).toBe('9');
  });

  it('refuses a Secret whose selected keys do not satisfy its type', () => {
    const tls = object('tls', {'tls.crt': 'c', 'tls.key': 'k'}, {kind: 'Secret', type: 'kubernetes.io/tls'});
    const {plan: p} = plan([tls], [], {keys: (_o, k) => k.key === 'tls.crt', prune: false, recreate: false});
    expect(p.objects[0].problems).toEqual([
      'invalid Secret: type kubernetes.io/tls needs key tls.key, which secret/tls would not have; select it too',
    ]);
    expect(p.summary.refused).toBe(1);
  });

  it('checks the 1 MiB limit as the API server counts it', () => {
    const big = 'x'.repeat(600 * 1024);
    const {plan: p} = plan([object('big', {A: big})], [object('big', {B: big})]);
    expect(p.objects[0].problems[0]).toMatch(/^too large: configmap\/big would hold 1\.17 MiB of data, over the 1 MiB limit/);
    expect(checkObject(object('ok', {A: 'x'.repeat(MAX_DATA_BYTES - 2), B: 'xx'}))).toEqual([]);
    expect(
      checkObject(object('over', {A: 'x'.repeat(MAX_DATA_BYTES - 2)}, {binaryData: {B: Buffer.from('xxx').toString('base64')}})),
    ).toHaveLength(1);
  });

  it('checks the other Secret types', () => {
    const secret = (type: string, data: Record<string, string>) => object('s', data, {kind: 'Secret', type});
    expect(checkObject(secret('kubernetes.io/dockerconfigjson', {'.dockerconfigjson': '{"auths":{}}'}))).toEqual([]);
    expect(checkObject(secret('kubernetes.io/dockerconfigjson', {'.dockerconfigjson': 'nope'}))[0]).toMatch(/not valid JSON/);
    expect(checkObject(secret('kubernetes.io/basic-auth', {password: 'p'}))).toEqual([]);
    expect(checkObject(secret('kubernetes.io/basic-auth', {other: 'p'}))[0]).toMatch(/at least one of username, password/);
    expect(checkObject(secret('kubernetes.io/ssh-auth', {}))[0]).toMatch(/needs key ssh-privatekey/);
    expect(checkObject(secret('Opaque', {}))).toEqual([]);
  });

  it('moves a key between data and binaryData instead of leaving it in both', () => {
    const src = object('app', {K: 'text'});
    const tgt = object('app', {}, {binaryData: {K: Buffer.from([0xff]).toString('base64')}});
    const {writes} = plan([src], [tgt], {...all, prune: true});
    expect(writes[0].desired.data).toEqual({K: 'text'});
    expect(writes[0].desired.binaryData).toEqual({});
  });

  it('masks Secret values in the plan unless asked', () => {
    const s = (v: string) => object('db', {PASSWORD: v}, {kind: 'Secret', type: 'Opaque'});
    const masked = plan([s('new')], [s('old')]);
    expect(JSON.stringify(masked.plan)).not.toContain('new');
    expect(masked.plan.objects[0].keys[0].source).toMatchObject({masked: true});
    const shown = plan([s('new')], [s('old')], all, true);
    expect(shown.plan.objects[0].keys[0].source?.value).toBe('new');
  });
});

describe('saved plans', () => {
  const sources = [object('app', {A: '2', B: '2'}, {resourceVersion: '5'}), object('new', {N: '1'})];
  const targets = [object('app', {A: '1', B: '1', T: 'x'}, {resourceVersion: '7'})];

  it('reads a DiffReport: differing keys, target-only keys only with prune', () => {
    const {report} = plan(sources, targets);
    const doc = JSON.parse(JSON.stringify(report));
    const saved = readSavedPlan(doc, {prune: false});
    expect(saved.entries.map((e) => [e.name, e.keys.map((k) => k.key)])).toEqual([
      ['app', ['A', 'B']],
      ['new', ['N']],
    ]);
    expect(readSavedPlan(doc, {prune: true}).entries[0].keys.map((k) => k.key)).toEqual(['A', 'B', 'T']);
  });

  it('reads a SyncPlan and applies exactly the keys it lists', () => {
    const narrowed = plan(sources, targets, {keys: (_o, k) => k.key !== 'B', prune: false, recreate: false});
    const saved = readSavedPlan(JSON.parse(JSON.stringify(narrowed.plan)), {prune: false});
    expect(saved.entries.map((e) => [e.name, e.keys.map((k) => k.key)])).toEqual([
      ['app', ['A']],
      ['new', ['N']],
    ]);
    const replay = plan(sources, targets, selectionFromSavedPlan(saved, saved.entries, false));
    expect(replay.writes.map((w) => [w.object.name, w.object.keys.map((k) => k.key)])).toEqual([
      ['app', ['A']],
      ['new', ['N']],
    ]);
  });

  it('finds entries whose source or target moved', () => {
    const {report} = plan(sources, targets);
    const saved = readSavedPlan(JSON.parse(JSON.stringify(report)), {prune: false});
    const [app, created] = saved.entries;
    expect(staleReason(app, report.objects[0])).toBeUndefined();
    const movedTarget = plan(sources, [{...targets[0], resourceVersion: '8'}]).report.objects[0];
    expect(staleReason(app, movedTarget)).toBe('the target changed since the plan was made (resourceVersion 7 → 8)');
    const movedSource = plan([{...sources[0], data: {A: '3', B: '2'}}], targets).report.objects[0];
    expect(planMismatch(app, movedSource)).toBe('the source changed since the plan was made');
    expect(planMismatch(app, report.objects[0])).toBeUndefined();
    const appeared = plan(sources, [...targets, object('new', {}, {resourceVersion: '9'})]).report.objects[1];
    expect(staleReason(created, appeared)).toMatch(/^the target was created since the plan was made/);
  });

  it('tells a Secret source changed under another salt by its resourceVersion, and by its keyed checksum under the same salt', () => {
    const entry = (checksum: string, resourceVersion?: string) => ({
      kind: 'Secret' as const,
      name: 'db',
      keys: [],
      source: {checksum, ...(resourceVersion ? {resourceVersion} : {})},
      target: {resourceVersion: '7'},
    });
    const secret = {kind: 'Secret' as const, data: {pin: '4711'}, binaryData: {}};
    const current = (salt: string, resourceVersion: string, data = secret.data) =>
      ({
        kind: 'Secret',
        name: 'db',
        status: 'different',
        ignored: false,
        keys: [],
        source: {checksum: dataChecksum({...secret, data}, salt), resourceVersion},
        target: {checksum: 'x', resourceVersion: '7'},
      }) as ObjectDiff;
    const planned = dataChecksum(secret, 'run-one');
    expect(planMismatch(entry(planned, '10'), current('run-two', '10'))).toBeUndefined();
    expect(planMismatch(entry(planned, '10'), current('run-two', '11'))).toBe('the source changed since the plan was made');
    expect(planMismatch(entry(planned), current('run-two', '10'))).toBe('the source changed since the plan was made');
    expect(planMismatch(entry(planned, '10'), current('run-one', '11'))).toBeUndefined();
    expect(planMismatch(entry(planned, '10'), current('run-one', '10', {pin: '0000'}))).toBe('the source changed since the plan was made');
  });

  it('refuses a plan without a binding (made by an earlier version)', () => {
    const {report} = plan(sources, targets);
    expect(() => readSavedPlan({...report, binding: undefined}, {prune: false})).toThrow(/has no binding/);
  });

  it('finds a value edited in the plan, a key that is not a difference, and a recreated object', () => {
    const {report} = plan(sources, targets);
    const [app] = readSavedPlan(JSON.parse(JSON.stringify(report)), {prune: false}).entries;
    const edited = {...app, keys: app.keys.map((k) => (k.key === 'A' ? {...k, source: {value: 'EVIL-A', size: 6}} : k))};
    expect(planMismatch(edited, report.objects[0])).toBe('the value of key A is not the one in the plan');
    expect(planMismatch({...app, keys: [...app.keys, {key: 'NOPE', section: 'data'}]}, report.objects[0])).toBe(
      'key NOPE is in neither source nor target',
    );
    const recreated = plan([{...sources[0], uid: 'u2'}], targets).report.objects[0];
    expect(planMismatch({...app, source: {...app.source!, uid: 'u1'}}, recreated)).toMatch(/source object was deleted and created again/);
  });

  it('finds clusters and namespaces other than the ones the plan was made from', () => {
    const live = {...binding, target: {cluster: 'uid-alpha', namespaceUid: 'ns-9'}};
    expect(bindingMismatches(binding, live, {source, target})).toEqual([
      'target beta/prod is now cluster uid-alpha, the plan was made on cluster uid-beta (context repointed?)',
    ]);
    expect(bindingMismatches(binding, {...binding, source: {cluster: 'uid-alpha', namespaceUid: 'ns-3'}}, {source, target})[0]).toMatch(
      /was deleted and created again/,
    );
    expect(bindingMismatches(binding, binding, {source, target})).toEqual([]);
  });
});

describe('key selection', () => {
  it('splits commas, matches globs and scoped patterns, and reports patterns that matched nothing', () => {
    const s = parseKeySelector(['a,b*', 'web:c'])!;
    expect(s.patterns).toEqual(['a', 'b*', 'web:c']);
    expect(isKeySelected(s, 'x', 'bee')).toBe(true);
    expect(isKeySelected(s, 'x', 'c')).toBe(false);
    expect(isKeySelected(s, 'web', 'c')).toBe(true);
    expect(unmatchedPatterns(s, [{object: 'x', key: 'a'}])).toEqual(['b*', 'web:c']);
    expect(() => parseKeySelector([' , '])).toThrow(/name at least one key/);
  });

  it('drops tool-owned metadata', () => {
    expect(
      copyableAnnotations({annotations: {'configsync.kubectl.dev/source': 'a', 'argocd.argoproj.io/sync-wave': '1', keep: 'y'}}),
    ).toEqual({
      keep: 'y',
    });
  });

  it('creates a target with the same labels and annotations a fanout copy would take (one deny list)', () => {
    const labels = {
      team: 'a',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/instance': 'web',
      'kubed.appscode.com/origin': 'x',
    };
    const annotations = {note: 'n', 'meta.helm.sh/release-name': 'web', 'fluxcd.io/sync-checksum': 'c', 'k8s.io/x': '1'};
    const shared = object('shared', {A: '1'}, {labels, annotations});
    const created = plan([shared], []).writes[0].desired;
    const ref = {
      kind: 'ConfigMap',
      name: 'shared',
      namespace: 'x',
      context: 'alpha',
      server: 'https://alpha',
      cluster: 'uid-alpha',
    } as const;
    const copy = desiredCopy(shared, ref, 'prod');
    const own = (r: Record<string, string>) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('configsync.kubectl.dev/')));
    expect(own(created.labels)).toEqual({team: 'a'});
    expect(own(created.annotations)).toEqual({note: 'n'});
    expect(own(copy.labels)).toEqual(own(created.labels));
    expect(own(copy.annotations)).toEqual(own(created.annotations));
  });
});
