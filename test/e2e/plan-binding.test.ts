// A saved plan applies to what was reviewed, or to nothing: the same clusters, namespaces,
// source objects and values. Anything else is "plan edited or stale", exit 3, nothing written.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, kubectl, runCli, secret, uniqueName} from './support.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const p = uniqueName('pb');
const [src, dst] = [`${p}-src`, `${p}-dst`];
const dir = mkdtempSync(join(tmpdir(), 'configsync-plan-binding-'));
cleanups.push(() => rmSync(dir, {recursive: true, force: true}));

async function data(context: string, namespace: string, name: string, kind = 'configmap'): Promise<Record<string, string> | undefined> {
  const out = await kubectl(['--context', context, '-n', namespace, 'get', kind, name, '-o', 'json', '--ignore-not-found']);
  return out.trim() ? JSON.parse(out).data : undefined;
}

/** sync --dry-run=client -o json, saved to a file; returns the file and the parsed plan. */
async function makePlan(name: string, args: string[]): Promise<{file: string; plan: any}> {
  const result = await runCli(['sync', ...args, '--dry-run=client', '-o', 'json']);
  expect(result.code, result.stderr).toBe(0);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, result.stdout);
  return {file, plan: JSON.parse(result.stdout)};
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', src, dst));
  cleanups.push(await createNamespaces('beta', dst));
  await apply('alpha', configMap(src, 'app', {A: 'good', B: 'good'}));
  await apply('alpha', configMap(dst, 'app', {A: 'old', B: 'old'}));
  await apply('beta', configMap(dst, 'app', {A: 'old', B: 'old'}));
  await apply('alpha', secret(src, 'creds', {password: 'hunter2'}));
});

describe('sync --plan', () => {
  it('binds the plan to cluster identities, namespace UIDs, object UIDs and salted fingerprints (the salt stays in the run)', async () => {
    const {plan} = await makePlan('bound', [`alpha/${src}`, `alpha/${dst}`, 'app', 'secret/creds', '--all']);
    const kubeSystem = JSON.parse(await kubectl(['--context', 'alpha', 'get', 'namespace', 'kube-system', '-o', 'json'])).metadata.uid;
    const srcUid = JSON.parse(await kubectl(['--context', 'alpha', 'get', 'namespace', src, '-o', 'json'])).metadata.uid;
    expect(plan.binding.source).toEqual({cluster: kubeSystem, namespaceUid: srcUid});
    expect(plan.binding.target.cluster).toBe(kubeSystem);
    // The plan names the salt of its Secret fingerprints, never holds it: a reviewer cannot try guesses against them.
    expect(plan.binding.saltId).toMatch(/^[0-9a-f]{8}$/);
    expect(plan.binding.salt).toBeUndefined();
    const creds = plan.objects.find((o: any) => o.name === 'creds');
    expect(creds.source.checksum).toMatch(/^hmac-sha256:/);
    expect(creds.keys[0].source).toMatchObject({masked: true});
    expect(JSON.stringify(plan)).not.toContain('hunter2');
  });

  it('refuses a value edited in the plan by hand (exit 3, nothing written), and applies the unedited plan', async () => {
    const {file, plan} = await makePlan('edited', [`alpha/${src}`, `alpha/${dst}`, 'app', '--all']);
    const edited = structuredClone(plan);
    edited.objects[0].keys.find((k: any) => k.key === 'A').source = {value: 'EVIL-A', size: 6};
    const editedFile = join(dir, 'edited-by-hand.json');
    writeFileSync(editedFile, JSON.stringify(edited));
    const refused = await runCli(['sync', '--plan', editedFile, '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /^error: plan edited or stale: configmap\/app: the value of key A is not the one in the plan; nothing was written; make a new plan\n$/,
    );
    expect(await data('alpha', dst, 'app')).toEqual({A: 'old', B: 'old'});

    // A key the plan lists that exists nowhere.
    const extra = structuredClone(plan);
    extra.objects[0].keys.push({key: 'NOPE', section: 'data', change: 'added', source: {value: 'x', size: 1}});
    writeFileSync(editedFile, JSON.stringify(extra));
    const nope = await runCli(['sync', '--plan', editedFile, '--yes']);
    expect(nope.code).toBe(3);
    expect(nope.stderr).toContain('configmap/app: key NOPE is in neither source nor target');
    expect(await data('alpha', dst, 'app')).toEqual({A: 'old', B: 'old'});

    const applied = await runCli(['sync', '--plan', file, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await data('alpha', dst, 'app')).toEqual({A: 'good', B: 'good'});
  });

  it('applies a plan of nothing while the locations agree (exit 0, nothing written), and refuses it once they differ', async () => {
    await apply('alpha', configMap(src, 'same', {A: '1'}));
    await apply('alpha', configMap(dst, 'same', {A: '1'}));
    const diff = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, 'same', '-o', 'json']);
    expect(diff.code, diff.stderr).toBe(0);
    const file = join(dir, 'nothing.json');
    writeFileSync(file, diff.stdout);
    const before = JSON.parse(await kubectl(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'same', '-o', 'json'])).metadata
      .resourceVersion;
    const applied = await runCli(['sync', '--plan', file, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr, applied.stdout + applied.stderr).toMatch(/0 written, 1 unchanged/);
    const after = JSON.parse(await kubectl(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'same', '-o', 'json'])).metadata
      .resourceVersion;
    expect(after).toBe(before);

    await apply('alpha', configMap(dst, 'same', {A: 'drifted'}));
    const refused = await runCli(['sync', '--plan', file, '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('the plan lists nothing to write, but the locations differ now');
    expect(await data('alpha', dst, 'same')).toEqual({A: 'drifted'});
  });

  it('refuses a plan whose source changed since it was reviewed', async () => {
    await apply('alpha', configMap(src, 'later', {A: 'reviewed'}));
    const {file} = await makePlan('source-moved', [`alpha/${src}`, `alpha/${dst}`, 'later', '--all']);
    await apply('alpha', configMap(src, 'later', {A: 'changed-after-review'}));
    const result = await runCli(['sync', '--plan', file, '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('plan edited or stale: configmap/later: the source changed since the plan was made');
    expect(await data('alpha', dst, 'later')).toBeUndefined();
  });

  it('a Secret plan is applied by a later run (another salt) when its source is as reviewed, and refused when it changed', async () => {
    await apply('alpha', secret(src, 'later-creds', {password: 'reviewed-value'}));
    const changed = await makePlan('secret-changed', [`alpha/${src}`, `alpha/${dst}`, 'secret/later-creds', '--all']);
    await apply('alpha', secret(src, 'later-creds', {password: 'changed-after-review'}));
    const refused = await runCli(['sync', '--plan', changed.file, '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('plan edited or stale: secret/later-creds: the source changed since the plan was made');
    expect(await data('alpha', dst, 'later-creds', 'secret')).toBeUndefined();

    const fresh = await makePlan('secret-fresh', [`alpha/${src}`, `alpha/${dst}`, 'secret/later-creds', '--all']);
    const applied = await runCli(['sync', '--plan', fresh.file, '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(Buffer.from((await data('alpha', dst, 'later-creds', 'secret'))!.password, 'base64').toString()).toBe('changed-after-review');
  });

  it('refuses a plan applied after its context was repointed to the other cluster', async () => {
    const before = kubeconfigWith([{name: 'prod', like: 'beta', namespace: dst}]);
    const after = kubeconfigWith([{name: 'prod', like: 'alpha', namespace: dst}]);
    cleanups.push(before.cleanup, after.cleanup);
    const {file} = await makePlan('repointed', [`alpha/${src}`, 'prod', 'app', '--all', '--kubeconfig', before.path]);
    // "prod" now reaches alpha, where the same namespace and object exist.
    await apply('alpha', configMap(dst, 'app', {A: 'old', B: 'old'}));
    const result = await runCli(['sync', '--plan', file, '--yes', '--kubeconfig', after.path]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: plan edited or stale: target prod\/\S+ is now cluster \S+, the plan was made on cluster \S+ \(context repointed\?\)/m,
    );
    expect(await data('alpha', dst, 'app')).toEqual({A: 'old', B: 'old'});
    expect(await data('beta', dst, 'app')).toEqual({A: 'old', B: 'old'});
  });

  it('malformed plans are one line, exit 2; locations beside --plan are refused', async () => {
    const {file, plan} = await makePlan('shape', [`alpha/${src}`, `alpha/${dst}`, 'app', '--all']);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({...plan, objects: [null]}));
    const malformed = await runCli(['sync', '--plan', broken, '--yes']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(`error: --plan: ${broken} is not a valid SyncPlan: /objects/0 must be object\n`);

    const beside = await runCli(['sync', `alpha/${src}`, `beta/${dst}`, '--plan', file, '--yes']);
    expect(beside.code).toBe(2);
    expect(beside.stderr).toMatch(/^error: --plan names its own source, target and objects; remove "alpha\/\S+", "beta\/\S+"\n$/);
    expect(await data('beta', dst, 'app')).toEqual({A: 'old', B: 'old'});
  });
});
