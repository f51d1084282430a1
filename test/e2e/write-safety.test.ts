// The write path's guarantees, tried against the real API servers: dry runs persist nothing on
// any mutating path of any command, delete-and-create never loses an object, updates keep
// what the tool does not own, unowned objects are never deleted, undo compares content,
// unreadable journals are named and skipped, and targets that cannot be written fail.
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {kubeconfigWith} from './kubeconfigs.js';
import {fullSnapshot, grantAllButCreate} from './write-safety-support.js';
import {apply, applyAll, configMap, createNamespaces, kubectl, kubectlJson, runCli, secret, testStateHome, uniqueName} from './support.js';

const runsDir = join(testStateHome, 'kubectl-configsync', 'runs');
const tally = new Tally();

async function data(context: string, namespace: string, kind: string, name: string): Promise<Record<string, string> | undefined> {
  try {
    return (await kubectlJson(['--context', context, '-n', namespace, 'get', kind, name])).data ?? {};
  } catch {
    return undefined;
  }
}

function deployment(namespace: string, name: string, configMapName: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace},
    spec: {
      replicas: 1,
      selector: {matchLabels: {app: name}},
      template: {
        metadata: {labels: {app: name}},
        spec: {containers: [{name: 'app', image: 'registry.invalid/app:1', envFrom: [{configMapRef: {name: configMapName}}]}]},
      },
    },
  });
}

afterAll(() => {
  recordFigures('write-safety', 'Writes that cannot lose data', tally.figures);
});

describe('dry runs persist nothing, on every mutating path of every command', () => {
  const src = uniqueName('dry-src');
  const dst = uniqueName('dry-dst');
  const other = uniqueName('dry-other');
  let cleanup: () => Promise<void>;
  let undoRun: string;

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst, other);
    await applyAll('alpha', [
      configMap(src, 'app', {LOG_LEVEL: 'debug', NEW: 'x'}),
      configMap(dst, 'app', {LOG_LEVEL: 'info', OLD: 'gone-with-prune'}),
      configMap(src, 'fresh', {A: '1'}),
      configMap(src, 'frozen', {K: 'new'}),
      configMap(dst, 'frozen', {K: 'old'}, {immutable: true}),
      secret(src, 'tls', {'tls.crt': 'c', 'tls.key': 'k'}, 'kubernetes.io/tls'),
      secret(dst, 'tls', {'tls.crt': 'old-c', 'tls.key': 'old-k'}),
      configMap(other, 'theirs', {K: 'not-a-copy'}),
      configMap(src, 'theirs', {K: 'source'}),
      deployment(dst, 'reader', 'app'),
    ]);
    // Real runs whose copies and journal the dry runs then work on: a fanout copy to prune, a sync run to undo.
    const fanned = await runCli(['fanout', 'configmap/app', '-n', src, '--to-namespace', other, '--yes']);
    expect(fanned.code, fanned.stderr).toBe(0);
    // An edited copy: fanout plans an update of it.
    await kubectl([
      '--context',
      'alpha',
      '-n',
      other,
      'patch',
      'configmap',
      'app',
      '--type',
      'merge',
      '-p',
      '{"data":{"LOG_LEVEL":"edited"}}',
    ]);
    const synced = await runCli([
      'sync',
      `alpha/${src}`,
      `alpha/${other}`,
      '--kind',
      'configmaps',
      'fresh',
      '--all',
      '--yes',
      '-o',
      'json',
    ]);
    expect(synced.code, synced.stderr).toBe(0);
    undoRun = JSON.parse(synced.stdout).runId;
  });
  afterAll(async () => cleanup?.());

  const cases: Array<{path: string; args: () => string[]}> = [
    {path: 'sync update and create', args: () => ['sync', `alpha/${src}`, `alpha/${dst}`, '--kind', 'configmaps', '--all', '--yes']},
    {path: 'sync prune', args: () => ['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--all', '--prune', '--yes']},
    {path: 'sync recreate (immutable)', args: () => ['sync', `alpha/${src}`, `alpha/${dst}`, 'frozen', '--all', '--recreate', '--yes']},
    {
      path: 'sync recreate (Secret type change)',
      args: () => ['sync', `alpha/${src}`, `alpha/${dst}`, 'secret/tls', '--kind', 'secrets', '--all', '--recreate', '--yes'],
    },
    {path: 'sync with restart', args: () => ['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--all', '--restart', '--yes']},
    {path: 'undo (delete what the run created)', args: () => ['undo', undoRun, '--yes']},
    {path: 'fanout create', args: () => ['fanout', 'configmap/frozen', '-n', src, '--to-namespace', other, '--yes']},
    {path: 'fanout update of a copy', args: () => ['fanout', 'configmap/app', '-n', src, '--to-namespace', other, '--yes']},
    {path: 'fanout prune', args: () => ['fanout', 'configmap/app', '-n', src, '--to-namespace', dst, '--on-conflict', 'skip', '--yes']},
    {
      path: 'fanout overwrite',
      args: () => ['fanout', 'configmap/theirs', '-n', src, '--to-namespace', other, '--on-conflict', 'overwrite', '--yes'],
    },
    {path: 'fanout --delete', args: () => ['fanout', '--delete', 'configmap/app', '-n', src, '--to-namespace', other, '--yes']},
    {path: 'restart', args: () => ['restart', 'configmap/app', '-n', dst, '--yes']},
  ];

  for (const mode of ['client', 'server'] as const) {
    for (const testCase of cases) {
      it(`${testCase.path}: --dry-run=${mode}`, async () => {
        const before = await fullSnapshot('alpha', [src, dst, other]);
        const journals = readdirSync(runsDir).length;
        const result = await runCli([...testCase.args(), `--dry-run=${mode}`]);
        const after = await fullSnapshot('alpha', [src, dst, other]);
        tally.add('dryRunPathsTested');
        const changed = Object.keys({...before, ...after}).filter((k) => before[k] !== after[k]);
        tally.add('persistedChanges', changed.length);
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect([0, 1, 4], `${result.code}: ${result.stderr}`).toContain(result.code);
        expect(changed).toEqual([]);
        expect(readdirSync(runsDir).length).toBe(journals);
      });
    }
  }

  it('fanout --watch --dry-run=server reconciles without persisting anything', async () => {
    const before = await fullSnapshot('alpha', [src, dst, other]);
    const result = await runCli(
      ['fanout', 'configmap/app', '-n', src, '--to-namespace', dst, '--on-conflict', 'overwrite', '--watch', '--yes', '--dry-run=server'],
      {
        // The first line about the target comes after the first reconcile's (dry-run) write.
        signalWhen: {pattern: new RegExp(dst), signal: 'SIGTERM'},
        timeoutMs: 30_000,
      },
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    tally.add('dryRunPathsTested');
    const after = await fullSnapshot('alpha', [src, dst, other]);
    const changed = Object.keys({...before, ...after}).filter((k) => before[k] !== after[k]);
    tally.add('persistedChanges', changed.length);
    expect(changed).toEqual([]);
  });

  it('a server dry run still meets admission: a ValidatingAdmissionPolicy refusal is reported, exit 3', async () => {
    const policy = uniqueName('configsync-deny');
    await applyAll(
      'alpha',
      [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          metadata: {name: policy},
          spec: {
            failurePolicy: 'Fail',
            matchConstraints: {
              resourceRules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps']}],
            },
            validations: [
              {
                expression: "!has(object.data) || !('LOG_LEVEL' in object.data) || object.data['LOG_LEVEL'] != 'debug'",
                message: 'LOG_LEVEL debug is not allowed here',
              },
            ],
          },
        },
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          metadata: {name: policy},
          spec: {
            policyName: policy,
            validationActions: ['Deny'],
            matchResources: {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': dst}}},
          },
        },
      ].map((d) => JSON.stringify(d)),
    );
    try {
      // The policy reaches the admission chain within a few seconds.
      let result = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--all', '--yes', '--dry-run=server']);
      for (let i = 0; i < 20 && result.code === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        result = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--all', '--yes', '--dry-run=server']);
      }
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/LOG_LEVEL debug is not allowed here/);
      expect(await data('alpha', dst, 'configmap', 'app')).toEqual({LOG_LEVEL: 'info', OLD: 'gone-with-prune'});
    } finally {
      await kubectl(['--context', 'alpha', 'delete', 'validatingadmissionpolicybinding', policy]);
      await kubectl(['--context', 'alpha', 'delete', 'validatingadmissionpolicy', policy]);
    }
  });
});

describe('delete-and-create never loses an object', () => {
  const src = uniqueName('rec-src');
  const dst = uniqueName('rec-dst');
  const user = 'configsync-no-create';
  let cleanup: () => Promise<void>;
  let limited: {path: string; cleanup: () => void};

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst);
    await grantAllButCreate('alpha', src, user);
    await grantAllButCreate('alpha', dst, user);
    limited = kubeconfigWith([{name: 'alpha-no-create', like: 'alpha', as: user}]);
  });
  afterAll(async () => {
    limited?.cleanup();
    await cleanup?.();
  });

  it('refuses before deleting when the create would be forbidden: nothing is deleted', async () => {
    await applyAll('alpha', [configMap(src, 'frozen', {K: 'new'}), configMap(dst, 'frozen', {K: 'old'}, {immutable: true})]);
    const uid = (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'frozen'])).metadata.uid;
    const result = await runCli(['sync', `alpha-no-create/${src}`, `alpha-no-create/${dst}`, 'frozen', '--all', '--recreate', '--yes'], {
      env: {KUBECONFIG: limited.path},
    });
    tally.add('recreateFailuresInjected');
    const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'frozen']);
    tally.add('objectsLost', after.metadata.uid === uid ? 0 : 1);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/refusing to delete and recreate configmap\/frozen: you may not create configmaps in namespace/);
    expect(after.metadata.uid).toBe(uid);
    expect(after.data).toEqual({K: 'old'});
  });

  it('refuses before deleting when admission would refuse the create again (a ValidatingAdmissionPolicy), also under --dry-run=server', async () => {
    const policy = uniqueName('configsync-no-recreate');
    await applyAll('alpha', [configMap(src, 'guarded', {K: 'new'}), configMap(dst, 'guarded', {K: 'old'}, {immutable: true})]);
    const uid = (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'guarded'])).metadata.uid;
    await applyAll(
      'alpha',
      [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          metadata: {name: policy},
          spec: {
            failurePolicy: 'Fail',
            matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps']}]},
            validations: [{expression: "!object.metadata.name.startsWith('guarded')", message: 'guarded objects may not be created here'}],
          },
        },
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          metadata: {name: policy},
          spec: {
            policyName: policy,
            validationActions: ['Deny'],
            matchResources: {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': dst}}},
          },
        },
      ].map((d) => JSON.stringify(d)),
    );
    try {
      // The policy reaches the admission chain within a few seconds: wait until a probe create is refused.
      for (let i = 0; i < 40; i++) {
        const probe = await kubectl(['--context', 'alpha', '-n', dst, 'create', 'configmap', 'guarded-probe', '--dry-run=server']).then(
          () => 'allowed',
          () => 'refused',
        );
        if (probe === 'refused') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const results = [];
      for (const dryRun of ['--dry-run=server', '--dry-run=none']) {
        results.push(await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'guarded', '--all', '--recreate', '--yes', dryRun]));
        tally.add('recreateFailuresInjected');
      }
      const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'guarded']);
      tally.add('objectsLost', after.metadata.uid === uid ? 0 : 1);
      for (const result of results) {
        expect(result.code, result.stderr).toBe(3);
        expect(result.stderr).toMatch(
          /refusing to delete and recreate configmap\/guarded: the API server would not create it again .*guarded objects may not be created here/,
        );
      }
      expect([after.metadata.uid, after.data]).toEqual([uid, {K: 'old'}]);
    } finally {
      await kubectl(['--context', 'alpha', 'delete', 'validatingadmissionpolicybinding', policy]);
      await kubectl(['--context', 'alpha', 'delete', 'validatingadmissionpolicy', policy]);
    }
  });

  it('recreates with the ownerReferences, labels and annotations it had; an object with finalizers is refused untouched', async () => {
    const owner = await kubectlJson(['--context', 'alpha', 'create', 'configmap', 'owner', '-n', dst, '--from-literal=k=v', '-o', 'json']);
    const ownerReference = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid};
    const target = (name: string, extra: object) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name, namespace: dst, labels: {team: 'x'}, annotations: {note: 'keep'}, ...extra},
        data: {K: 'old'},
        immutable: true,
      });
    await applyAll('alpha', [
      configMap(src, 'owned', {K: 'new'}),
      configMap(src, 'held', {K: 'new'}),
      target('owned', {ownerReferences: [ownerReference]}),
      target('held', {finalizers: ['example.com/hold']}),
    ]);
    try {
      const result = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'owned', '--all', '--recreate', '--yes']);
      expect(result.code, result.stderr).toBe(0);
      const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'owned']);
      expect(after.data).toEqual({K: 'new'});
      expect(after.metadata.labels).toMatchObject({team: 'x'});
      expect(after.metadata.annotations).toMatchObject({note: 'keep'});
      expect(after.metadata.ownerReferences).toEqual([ownerReference]);

      const held = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'held']);
      const refused = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'held', '--all', '--recreate', '--yes']);
      tally.add('recreateFailuresInjected');
      const still = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'held']);
      tally.add('objectsLost', still.metadata.uid === held.metadata.uid ? 0 : 1);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/refusing to delete and recreate configmap\/held: it has finalizers \(example.com\/hold\)/);
      expect([still.metadata.uid, still.metadata.resourceVersion, still.metadata.deletionTimestamp]).toEqual([
        held.metadata.uid,
        held.metadata.resourceVersion,
        undefined,
      ]);
    } finally {
      await kubectl([
        '--context',
        'alpha',
        '-n',
        dst,
        'patch',
        'configmap',
        'held',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]).catch(() => undefined);
    }
  });
});

describe('updates change only what the tool owns, and undo puts metadata back exactly', () => {
  const src = uniqueName('own-src');
  const dst = uniqueName('own-dst');
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst);
  });
  afterAll(async () => cleanup?.());

  it('sync keeps ownerReferences, finalizers, other labels and annotations; undo restores the object as it was', async () => {
    const owner = await kubectlJson(['--context', 'alpha', 'create', 'configmap', 'owner', '-n', dst, '--from-literal=k=v', '-o', 'json']);
    const ownerReference = {apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid};
    await apply('alpha', configMap(src, 'app', {A: 'new', B: 'source-b'}));
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'app',
          namespace: dst,
          labels: {team: 'x'},
          annotations: {note: 'keep'},
          ownerReferences: [ownerReference],
          finalizers: ['example.com/hold'],
        },
        data: {A: 'old', B: 'target-b'},
      }),
    );
    try {
      const before = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'app']);
      const synced = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--keys', 'A', '--yes', '-o', 'json']);
      expect(synced.code, synced.stderr).toBe(0);
      const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'app']);
      expect(after.data).toEqual({A: 'new', B: 'target-b'});
      expect(after.metadata.ownerReferences).toEqual([ownerReference]);
      expect(after.metadata.finalizers).toEqual(['example.com/hold']);
      expect(after.metadata.labels).toEqual({team: 'x'});
      expect(after.metadata.annotations.note).toBe('keep');

      const undone = await runCli(['undo', JSON.parse(synced.stdout).runId, '--yes']);
      expect(undone.code, undone.stderr).toBe(0);
      const restored = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'app']);
      expect(restored.metadata.uid).toBe(before.metadata.uid);
      for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers'])
        expect(restored.metadata[field]).toEqual(before.metadata[field]);
      expect(restored.data).toEqual(before.data);
    } finally {
      await kubectl([
        '--context',
        'alpha',
        '-n',
        dst,
        'patch',
        'configmap',
        'app',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]).catch(() => undefined);
    }
  });

  it('undo steps back through several runs newest first, without --force', async () => {
    await applyAll('alpha', [configMap(src, 'steps', {A: 'a2', B: 'b2'}), configMap(dst, 'steps', {A: 'a1', B: 'b1'})]);
    const first = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'steps', '--keys', 'A', '--yes']);
    const second = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'steps', '--keys', 'B', '--yes']);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(await data('alpha', dst, 'configmap', 'steps')).toEqual({A: 'a2', B: 'b2'});
    const once = await runCli(['undo', '--yes']);
    expect(once.code, once.stderr).toBe(0);
    expect(await data('alpha', dst, 'configmap', 'steps')).toEqual({A: 'a2', B: 'b1'});
    const twice = await runCli(['undo', '--yes']);
    expect(twice.code, twice.stderr).toBe(0);
    expect(await data('alpha', dst, 'configmap', 'steps')).toEqual({A: 'a1', B: 'b1'});
  });
});

describe('unowned objects are never deleted, and targets that cannot be written fail', () => {
  const src = uniqueName('unowned-src');
  const dst = uniqueName('unowned-dst');
  const dying = uniqueName('unowned-dying');
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst, dying);
  });
  afterAll(async () => {
    await kubectl([
      '--context',
      'alpha',
      '-n',
      dying,
      'patch',
      'configmap',
      'hold',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]).catch(() => undefined);
    await cleanup?.();
  });

  it('fanout --on-conflict overwrite refuses an immutable object that is not a copy (exit 4), same uid after', async () => {
    await applyAll('alpha', [configMap(src, 'shared', {K: 'source'}), configMap(dst, 'shared', {K: 'theirs'}, {immutable: true})]);
    const uid = (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'shared'])).metadata.uid;
    const result = await runCli(['fanout', 'configmap/shared', '-n', src, '--to-namespace', dst, '--on-conflict', 'overwrite', '--yes']);
    expect(result.code).toBe(4);
    expect(result.stdout + result.stderr).toMatch(/never deleted for you/);
    const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'shared']);
    expect([after.metadata.uid, after.data, after.immutable]).toEqual([uid, {K: 'theirs'}, true]);
  });

  it('a Terminating namespace named as a fanout target is reported as failed, never as in sync', async () => {
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'hold', namespace: dying, finalizers: ['example.com/hold']},
        data: {k: 'v'},
      }),
    );
    await kubectl(['--context', 'alpha', 'delete', 'namespace', dying, '--wait=false']);
    for (let i = 0; i < 40; i++) {
      const phase = (await kubectlJson(['--context', 'alpha', 'get', 'namespace', dying])).status?.phase;
      if (phase === 'Terminating') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await runCli(['fanout', 'configmap/shared', '-n', src, '--to-namespace', dying, '--yes']);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/being deleted \(Terminating\)/);
    expect(result.stderr).not.toMatch(/every copy is in sync/);
  });

  it('an object stuck in deletion is not written by sync: failed, exit 3', async () => {
    await apply('alpha', configMap(src, 'stuck', {K: 'new'}));
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'stuck', namespace: dst, finalizers: ['example.com/hold']},
        data: {K: 'old'},
      }),
    );
    await kubectl(['--context', 'alpha', '-n', dst, 'delete', 'configmap', 'stuck', '--wait=false']);
    try {
      const result = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'stuck', '--all', '--yes']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/configmap\/stuck .*is being deleted/);
      expect(await data('alpha', dst, 'configmap', 'stuck')).toEqual({K: 'old'});
    } finally {
      await kubectl([
        '--context',
        'alpha',
        '-n',
        dst,
        'patch',
        'configmap',
        'stuck',
        '--type',
        'merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]).catch(() => undefined);
    }
  });
});

describe('journals are untrusted input', () => {
  it('a malformed, truncated or foreign file is one error line naming it (exit 2); every other run is still listed and undoable', async () => {
    const src = uniqueName('bad-src');
    const dst = uniqueName('bad-dst');
    const cleanup = await createNamespaces('alpha', src, dst);
    try {
      await applyAll('alpha', [configMap(src, 'app', {A: 'new'}), configMap(dst, 'app', {A: 'old'})]);
      const synced = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--all', '--yes', '-o', 'json']);
      const runId = JSON.parse(synced.stdout).runId;
      const bad = {
        'null-file': 'null\n',
        truncated: readFileSync(join(runsDir, `${runId}.jsonl`), 'utf8').slice(0, 40),
        foreign: '{"type":"run","apiVersion":"v9","runId":"x"}\n',
        'secret-quote': '{"password": "OLDSECRET-must-not-be-quoted"\n{}\n',
      };
      const names = Object.keys(bad).map((name) => `20000101-000000-${name}`);
      for (const [i, text] of Object.values(bad).entries()) writeFileSync(join(runsDir, `${names[i]}.jsonl`), text, {mode: 0o600});
      try {
        const list = await runCli(['undo', '--list']);
        expect(list.code).toBe(2);
        expect(list.stdout).toContain(runId);
        const errors = list.stderr.split('\n').filter((l) => l.startsWith('error: '));
        expect(errors).toHaveLength(names.length);
        for (const name of names) expect(errors.some((e) => e.includes(`${name}.jsonl`))).toBe(true);
        expect(list.stderr).not.toMatch(/TypeError|OLDSECRET|\n\s+at /);

        const one = await runCli(['undo', names[0], '--yes']);
        expect(one.code).toBe(2);
        expect(one.stderr.trim().split('\n')).toHaveLength(1);

        const undone = await runCli(['undo', runId, '--yes']);
        expect(undone.code, undone.stderr).toBe(0);
        expect(await data('alpha', dst, 'configmap', 'app')).toEqual({A: 'old'});
      } finally {
        for (const name of names) rmSync(join(runsDir, `${name}.jsonl`), {force: true});
      }
      // Journals hold Secret values: --prune deletes those older than the age given.
      const kept = await runCli(['undo', '--prune', '1h']);
      expect(kept.stderr).toMatch(/^removed 0 run journals older than 1h\n$/);
      const pruned = await runCli(['undo', '--prune', '0s']);
      expect(pruned.code).toBe(0);
      expect(pruned.stderr).toMatch(/^removed [1-9]\d* run journals? older than 0s:\n( {2}\S+\.jsonl\n)+$/);
      expect(readdirSync(runsDir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
