import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectl, kubectlJson, runCli, secret, uniqueName} from './support.js';
import {expectJsonOutput} from '../support/schemas.js';

const stateHome = mkdtempSync(join(tmpdir(), 'configsync-undo-e2e-'));
const cli = (args: string[]) => runCli(args, {env: {XDG_STATE_HOME: stateHome}});
const runsDir = join(stateHome, 'kubectl-configsync', 'runs');

async function data(namespace: string, kind: string, name: string): Promise<Record<string, string> | undefined> {
  const out = await kubectl(['--context', 'beta', '-n', namespace, 'get', kind, name, '-o', 'json', '--ignore-not-found']);
  if (!out.trim()) return undefined;
  const object = JSON.parse(out);
  if (kind === 'secret')
    return Object.fromEntries(Object.entries(object.data ?? {}).map(([k, v]) => [k, Buffer.from(v as string, 'base64').toString('utf8')]));
  return object.data ?? {};
}

describe('undo', () => {
  const src = uniqueName('undo-src');
  const dst = uniqueName('undo-dst');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const a = await createNamespaces('alpha', src);
    const b = await createNamespaces('beta', dst);
    cleanup = async () => {
      await a();
      await b();
    };
  });
  afterAll(async () => cleanup?.());

  it('restores updated objects and deletes created ones, from a private backup that is never printed', async () => {
    await apply('alpha', secret(src, 'creds', {TOKEN: 'source-token-value'}));
    await apply('beta', secret(dst, 'creds', {TOKEN: 'target-token-value'}));
    await apply('alpha', configMap(src, 'fresh', {A: '1'}));
    const synced = await cli(['sync', `alpha/${src}`, `beta/${dst}`, '--kind', 'configmaps,secrets', '--all', '--yes', '-o', 'json']);
    expect(synced.code).toBe(0);
    const runId = JSON.parse(synced.stdout).runId as string;
    expect(runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{6}$/);
    expect(synced.stderr).toContain(`undo with: kubectl configsync undo ${runId}`);
    expect(await data(dst, 'secret', 'creds')).toEqual({TOKEN: 'source-token-value'});
    expect(await data(dst, 'configmap', 'fresh')).toEqual({A: '1'});

    // The journal holds the old Secret value, so only its owner may read it.
    const file = join(runsDir, `${runId}.jsonl`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(runsDir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toContain('target-token-value');

    // -o wide: nothing cut; the table at 80 columns (piped) fits, the objects under their run.
    const list = await cli(['undo', '--list', '-o', 'wide']);
    expect(list.code).toBe(0);
    // No COLUMNS: the 80 columns of a pipe.
    const narrow = await runCli(['undo', '--list'], {env: {XDG_STATE_HOME: stateHome, COLUMNS: undefined}});
    for (const line of narrow.stdout.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toMatch(new RegExp(`${runId} .*undoable\n(.*\n)*? {2}↳ configmap/fresh, secret/creds\n`));
    expect(list.stdout).toMatch(new RegExp(`${runId}\\s+\\S+\\s+alpha/${src} → beta/${dst}\\s+configmap/fresh, secret/creds\\s+undoable`));
    expect(list.stdout + list.stderr).not.toContain('token-value');
    const listed = await cli(['undo', '--list', '-o', 'json']);
    expect(listed.code).toBe(0);
    expect(expectJsonOutput<Array<{runId: string}>>('undo-result', listed.stdout).map((r) => r.runId)).toContain(runId);
    expect(listed.stdout).not.toContain('token-value');

    const refused = await cli(['undo', runId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: refusing to undo without confirmation: no terminal to ask on; pass --yes\n$/);

    const undone = await cli(['undo', runId, '--yes', '-o', 'json']);
    expect(undone.code).toBe(0);
    const restored = expectJsonOutput<{objects: Array<{kind: string; name: string; action: string; outcome: string}>}>(
      'undo-result',
      undone.stdout,
    );
    expect(restored.objects.map((o) => [o.kind, o.name, o.action, o.outcome]).sort()).toEqual([
      ['ConfigMap', 'fresh', 'delete', 'restored'],
      ['Secret', 'creds', 'patch', 'restored'],
    ]);
    expect(undone.stdout + undone.stderr).not.toContain('token-value');
    expect(await data(dst, 'secret', 'creds')).toEqual({TOKEN: 'target-token-value'});
    expect(await data(dst, 'configmap', 'fresh')).toBeUndefined();

    const twice = await cli(['undo', runId, '--yes']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already undone/);
  });

  it('refuses objects changed after the sync unless --force', async () => {
    await apply('alpha', configMap(src, 'later', {A: 'synced'}));
    await apply('beta', configMap(dst, 'later', {A: 'original'}));
    const synced = await cli(['sync', `alpha/${src}`, `beta/${dst}`, 'later', '--all', '--yes', '-o', 'json']);
    expect(synced.code).toBe(0);
    const runId = JSON.parse(synced.stdout).runId as string;
    await kubectl([
      '--context',
      'beta',
      '-n',
      dst,
      'patch',
      'configmap',
      'later',
      '--type',
      'merge',
      '-p',
      '{"data":{"A":"edited-after-sync"}}',
    ]);

    const refused = await cli(['undo', runId, '--yes']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /error: configmap\/later in beta\/\S+: changed after the run by someone else; --force restores it anyway/,
    );
    expect(await data(dst, 'configmap', 'later')).toEqual({A: 'edited-after-sync'});

    const forced = await cli(['undo', runId, '--yes', '--force']);
    expect(forced.code).toBe(0);
    expect(await data(dst, 'configmap', 'later')).toEqual({A: 'original'});
    const restored = await kubectlJson(['--context', 'beta', '-n', dst, 'get', 'configmap', 'later']);
    expect(restored.metadata.annotations?.['configsync.kubectl.dev/run-id']).toBeUndefined();
  });

  it('undoes a --recreate of an immutable object by recreating the original', async () => {
    await apply('alpha', configMap(src, 'frozen', {A: 'new'}));
    await apply('beta', configMap(dst, 'frozen', {A: 'old'}, {immutable: true}));
    const synced = await cli(['sync', `alpha/${src}`, `beta/${dst}`, 'frozen', '--all', '--recreate', '--yes', '-o', 'json']);
    expect(synced.code).toBe(0);
    expect(await data(dst, 'configmap', 'frozen')).toEqual({A: 'new'});
    const undone = await cli(['undo', JSON.parse(synced.stdout).runId, '--yes']);
    expect(undone.code).toBe(0);
    expect(undone.stdout).toMatch(/configmap\/frozen\s+recreate\s+restored/);
    const restored = await kubectlJson(['--context', 'beta', '-n', dst, 'get', 'configmap', 'frozen']);
    expect(restored.data).toEqual({A: 'old'});
    expect(restored.immutable).toBe(true);
  });
});
