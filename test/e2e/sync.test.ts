import {cliAuditEvents} from './audit.js';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectl, kubectlJson, runCli, secret, uniqueName} from './support.js';
import {expectJsonOutput} from '../support/schemas.js';

// Backups of these runs go to a private state directory, not the user's.
const stateHome = mkdtempSync(join(tmpdir(), 'configsync-sync-e2e-'));
const sync = (args: string[], env: Record<string, string> = {}) => runCli(['sync', ...args], {env: {XDG_STATE_HOME: stateHome, ...env}});

async function getData(context: string, namespace: string, name: string, kind = 'configmap'): Promise<Record<string, string> | undefined> {
  const out = await kubectl(['--context', context, '-n', namespace, 'get', kind, name, '-o', 'json', '--ignore-not-found']);
  if (!out.trim()) return undefined;
  const object = JSON.parse(out);
  if (kind === 'secret')
    return Object.fromEntries(Object.entries(object.data ?? {}).map(([k, v]) => [k, Buffer.from(v as string, 'base64').toString('utf8')]));
  return object.data ?? {};
}

/** Requests our CLI sent into one namespace, all of them (see audit.ts). */
async function auditedRequests(cluster: 'alpha' | 'beta', namespace: string): Promise<Array<{verb: string; uri: string}>> {
  return (await cliAuditEvents(cluster))
    .filter((e) => e.objectRef?.namespace === namespace || e.requestURI.includes(`/namespaces/${namespace}`))
    .map((e) => ({verb: e.verb, uri: e.requestURI}));
}

const isWrite = (r: {verb: string}) => ['create', 'update', 'patch', 'delete'].includes(r.verb);

describe('sync (non-interactive)', () => {
  const src = uniqueName('sync-src');
  const dst = uniqueName('sync-dst');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const a = await createNamespaces('alpha', src, dst);
    const b = await createNamespaces('beta', dst);
    cleanup = async () => {
      await a();
      await b();
    };
  });
  afterAll(async () => cleanup?.());

  it('refuses to write without a terminal and without --yes (exit 2), and writes nothing', async () => {
    await apply('alpha', configMap(src, 'refuse', {A: '1'}));
    const result = await sync([`alpha/${src}`, `alpha/${dst}`, '--all']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: refusing to write without confirmation: no terminal to ask on; pass --yes/);
    expect(await getData('alpha', dst, 'refuse')).toBeUndefined();
    const noChoice = await sync([`alpha/${src}`, `alpha/${dst}`, '--yes']);
    expect(noChoice.code).toBe(2);
    expect(noChoice.stderr).toMatch(/pass --keys K1,K2 or --all/);
  });

  it('--keys (globs) writes only the chosen keys, keeps target-only keys, records provenance, and is idempotent', async () => {
    await apply('alpha', configMap(src, 'app', {LOG_LEVEL: 'debug', 'feature.a': 'on', 'feature.b': 'off', PORT: '8080'}));
    await apply('alpha', configMap(dst, 'app', {LOG_LEVEL: 'info', 'feature.a': 'off', PORT: '80', LOCAL: 'keep'}));
    const result = await sync([`alpha/${src}`, `alpha/${dst}`, 'app', '--keys', 'LOG_LEVEL,feature.*', '--yes', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = expectJsonOutput<any>('sync-result', result.stdout);
    expect(report.kind).toBe('SyncResult');
    expect(report.objects[0]).toMatchObject({
      name: 'app',
      action: 'update',
      outcome: 'written',
      changedKeys: ['LOG_LEVEL', 'feature.a', 'feature.b'],
    });
    expect(await getData('alpha', dst, 'app')).toEqual({
      LOG_LEVEL: 'debug',
      'feature.a': 'on',
      'feature.b': 'off',
      PORT: '80',
      LOCAL: 'keep',
    });

    const written = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'app', '--show-managed-fields']);
    const annotations = written.metadata.annotations;
    expect(annotations['configsync.kubectl.dev/source']).toBe(`alpha/${src}`);
    expect(annotations['configsync.kubectl.dev/synced-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(annotations['configsync.kubectl.dev/checksum']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(annotations['configsync.kubectl.dev/run-id']).toBe(report.runId);
    expect(written.metadata.managedFields.some((f: any) => f.manager === 'kubectl-configsync' && f.operation === 'Update')).toBe(true);

    // The same sync again: nothing differs in the selected keys, so nothing is sent.
    const before = (await auditedRequests('alpha', dst)).length;
    const again = await sync([`alpha/${src}`, `alpha/${dst}`, 'app', '--keys', 'LOG_LEVEL,feature.*', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing to sync: .* already has every selected key .*; nothing was written/);
    // On the target: one GET of the namespace and one LIST of ConfigMaps, no write.
    expect(
      (await auditedRequests('alpha', dst))
        .slice(before)
        .map((r) => r.verb)
        .sort(),
    ).toEqual(['get', 'list']);
    expect((await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'app'])).metadata.resourceVersion).toBe(
      written.metadata.resourceVersion,
    );
  });

  it('--all --prune writes every difference and removes target-only keys; one PATCH per object', async () => {
    await apply('alpha', configMap(src, 'pruned', {A: '1', B: '2'}));
    await apply('alpha', configMap(dst, 'pruned', {A: '0', OLD: 'x'}));
    const result = await sync([`alpha/${src}`, `alpha/${dst}`, 'pruned', '--all', '--prune', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/configmap\/pruned\s+update\s+written\s+~A \+B -OLD/);
    expect(await getData('alpha', dst, 'pruned')).toEqual({A: '1', B: '2'});
    const writes = (await auditedRequests('alpha', dst)).filter(
      (r) => ['update', 'patch'].includes(r.verb) && r.uri.includes('/configmaps/pruned'),
    );
    expect(writes.map((r) => r.verb)).toEqual(['patch']);
  });

  it('creates objects missing in the target, with user labels and annotations but not tool-owned ones', async () => {
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'created',
          namespace: src,
          labels: {app: 'web', 'app.kubernetes.io/managed-by': 'Helm'},
          annotations: {owner: 'team-a', 'meta.helm.sh/release-name': 'web'},
        },
        data: {X: '1'},
        binaryData: {BIN: Buffer.from([0, 1, 2, 255]).toString('base64')},
      }),
    );
    const result = await sync([`alpha/${src}`, `alpha/${dst}`, 'created', '--all', '--yes']);
    expect(result.code).toBe(0);
    const created = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'created']);
    expect(created.data).toEqual({X: '1'});
    expect(created.binaryData).toEqual({BIN: Buffer.from([0, 1, 2, 255]).toString('base64')});
    expect(created.metadata.labels).toEqual({app: 'web'});
    expect(created.metadata.annotations.owner).toBe('team-a');
    expect(created.metadata.annotations['meta.helm.sh/release-name']).toBeUndefined();
    expect(created.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
  });

  it('--dry-run=client prints the plan and writes nothing; --dry-run=server sends dryRun=All and stores nothing', async () => {
    await apply('alpha', configMap(src, 'dry', {A: 'new'}));
    await apply('alpha', configMap(dst, 'dry', {A: 'old'}));
    const writesBefore = (await auditedRequests('alpha', dst)).filter(isWrite).length;
    const client = await sync([`alpha/${src}`, `alpha/${dst}`, 'dry', '--dry-run=client']);
    expect(client.code).toBe(0);
    expect(client.stdout).toContain('configmap/dry   ~ update   1 change');
    expect(client.stdout).toContain('~ A: old → new');
    expect((await auditedRequests('alpha', dst)).filter(isWrite).length).toBe(writesBefore);

    const server = await sync([`alpha/${src}`, `alpha/${dst}`, 'dry', '--all', '--dry-run=server', '-o', 'json']);
    expect(server.code).toBe(0);
    expect(expectJsonOutput('sync-result', server.stdout)).toMatchObject({dryRun: 'server', summary: {written: 1}});
    expect(await getData('alpha', dst, 'dry')).toEqual({A: 'old'});
    const dryRunWrites = (await auditedRequests('alpha', dst)).filter((r) => isWrite(r) && r.uri.includes('/configmaps/dry'));
    expect(dryRunWrites.map((r) => r.uri)).toEqual([expect.stringContaining('dryRun=All')]);

    // Admission runs: the server's refusal is reported per object.
    const tooLong = 'x'.repeat(300);
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'badlabel', namespace: src, labels: {ok: 'y'}},
        data: {A: '1'},
      }),
    );
    const rejected = await sync([`alpha/${src}`, `alpha/${dst}`, 'badlabel', '--all', '--dry-run=server', `--field-manager=${tooLong}`]);
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toMatch(/error: .*cannot create configmap\/badlabel in namespace "[^"]+" \(context "alpha"\)/);
    expect(await getData('alpha', dst, 'badlabel')).toBeUndefined();
  });

  it('syncs Secrets across clusters, masking values in every output', async () => {
    await apply('alpha', secret(src, 'db', {PASSWORD: 'hunter2-source', USER: 'app'}));
    await apply('beta', secret(dst, 'db', {PASSWORD: 'old-target-pass', USER: 'app'}));
    const result = await sync([`alpha/${src}`, `beta/${dst}`, '--kind', 'secrets', 'db', '--all', '--yes', '-o', 'yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('hunter2-source');
    expect(result.stdout + result.stderr).not.toContain('old-target-pass');
    expect(result.stdout).toContain('masked: true');
    expect(await getData('beta', dst, 'db', 'secret')).toEqual({PASSWORD: 'hunter2-source', USER: 'app'});
    const annotations = (await kubectlJson(['--context', 'beta', '-n', dst, 'get', 'secret', 'db'])).metadata.annotations;
    expect(annotations['configsync.kubectl.dev/source']).toBe(`alpha/${src}`);
  });

  it('explains immutable targets, and with --recreate deletes and recreates them', async () => {
    await apply('alpha', configMap(src, 'frozen', {A: 'new'}));
    await apply('alpha', configMap(dst, 'frozen', {A: 'old'}, {immutable: true}));
    const refused = await sync([`alpha/${src}`, `alpha/${dst}`, 'frozen', '--all', '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      'error: configmap/frozen: immutable in target: its data cannot be changed; rerun with --recreate to delete and recreate it',
    );
    expect(await getData('alpha', dst, 'frozen')).toEqual({A: 'old'});

    const uidBefore = (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'frozen'])).metadata.uid;
    const recreated = await sync([`alpha/${src}`, `alpha/${dst}`, 'frozen', '--all', '--recreate', '--yes']);
    expect(recreated.code).toBe(0);
    const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'frozen']);
    expect(after.data).toEqual({A: 'new'});
    expect(after.immutable).toBe(true);
    expect(after.metadata.uid).not.toBe(uidBefore);
  });

  it("refuses objects over 1 MiB and Secrets missing their type's keys, with a clear message and no request", async () => {
    const big = 'x'.repeat(600 * 1024);
    // create, not apply: apply would copy 600 KiB into the last-applied annotation, over its 256 KiB limit.
    await kubectl(['--context', 'alpha', 'create', '-f', '-'], configMap(src, 'big', {A: big}));
    await kubectl(['--context', 'alpha', 'create', '-f', '-'], configMap(dst, 'big', {B: big}));
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {name: 'tls', namespace: src},
        type: 'kubernetes.io/tls',
        stringData: {'tls.crt': cert, 'tls.key': 'key'},
      }),
    );
    const writesBefore = (await auditedRequests('alpha', dst)).filter(isWrite).length;

    const size = await sync([`alpha/${src}`, `alpha/${dst}`, 'big', '--all', '--yes']);
    expect(size.code).toBe(3);
    expect(size.stderr).toMatch(/error: too large: configmap\/big would hold 1\.17 MiB of data, over the 1 MiB limit/);
    const tls = await sync([`alpha/${src}`, `alpha/${dst}`, '--kind', 'secrets', 'tls', '--keys', 'tls.crt', '--yes']);
    expect(tls.code).toBe(3);
    expect(tls.stderr).toContain(
      'invalid Secret: type kubernetes.io/tls needs key tls.key, which secret/tls would not have; select it too',
    );
    expect((await auditedRequests('alpha', dst)).filter(isWrite).length).toBe(writesBefore);
    expect(await getData('alpha', dst, 'tls', 'secret')).toBeUndefined();
  });

  it('gives the read-only user a one-line 403 naming the verb, object and context (exit 3)', async () => {
    await apply('alpha', configMap(src, 'viewer', {A: 'new'}));
    await apply('alpha', configMap(dst, 'viewer', {A: 'old'}));
    const result = await sync([`alpha/${src}`, `alpha-viewer/${dst}`, 'viewer', '--all', '--yes']);
    expect(result.code).toBe(3);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^error: forbidden: cannot patch configmap/viewer in namespace "${dst}" \\(context "alpha-viewer"\\)`),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await getData('alpha', dst, 'viewer')).toEqual({A: 'old'});
  });

  it('applies a saved diff report or sync plan exactly, refusing objects that moved since', async () => {
    await apply('alpha', configMap(src, 'plan-a', {A: 'new', B: 'new'}));
    await apply('alpha', configMap(dst, 'plan-a', {A: 'old', B: 'old'}));
    await apply('alpha', configMap(src, 'plan-b', {A: 'new'}));
    await apply('alpha', configMap(dst, 'plan-b', {A: 'old'}));
    const dir = mkdtempSync(join(tmpdir(), 'configsync-plan-'));

    // A sync plan that lists only key A of plan-a.
    const planned = await sync([`alpha/${src}`, `alpha/${dst}`, 'plan-a', '--keys', 'A', '--dry-run=client', '-o', 'json']);
    expect(planned.code).toBe(0);
    expectJsonOutput('sync-plan', planned.stdout);
    writeFileSync(join(dir, 'plan.json'), planned.stdout);
    const applied = await sync(['--plan', join(dir, 'plan.json'), '--yes']);
    expect(applied.code).toBe(0);
    expect(await getData('alpha', dst, 'plan-a')).toEqual({A: 'new', B: 'old'});

    // A diff report; then the target of plan-b moves before it is applied.
    const diff = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, 'plan-a', 'plan-b', '-o', 'json']);
    expect(diff.code).toBe(1);
    writeFileSync(join(dir, 'diff.json'), diff.stdout);
    await kubectl(['--context', 'alpha', '-n', dst, 'patch', 'configmap', 'plan-b', '--type', 'merge', '-p', '{"data":{"A":"edited"}}']);
    const stale = await sync(['--plan', join(dir, 'diff.json'), '--yes', '-o', 'json']);
    expect(stale.code).toBe(4);
    expect(stale.stderr).toMatch(
      /error: configmap\/plan-b: the target changed since the plan was made \(resourceVersion \d+ → \d+\); make a new plan/,
    );
    expect(await getData('alpha', dst, 'plan-a')).toEqual({A: 'new', B: 'new'});
    expect(await getData('alpha', dst, 'plan-b')).toEqual({A: 'edited'});
    const result = expectJsonOutput<any>('sync-result', stale.stdout);
    expect(result.objects.map((o: any) => [o.name, o.outcome])).toEqual([
      ['plan-a', 'written'],
      ['plan-b', 'failed'],
    ]);
  });
});
