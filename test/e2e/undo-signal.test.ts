// SIGTERM in the middle of an undo, through a local proxy that slows the writes
// (the API server keeps running): the restore in flight finishes, no more start,
// every object is reported, exit 130, and a rerun of the same command finishes
// without --force.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {adminRequest, proxiedContext, type ProxiedContext} from './fault-proxy.js';
import {createNamespaces, runCli, uniqueName, type RunResult} from './support.js';

const src = uniqueName('undo-term-src');
const dst = uniqueName('undo-term-dst');
const names = Array.from({length: 6}, (_, i) => `u${i}`);
const work = mkdtempSync(join(tmpdir(), 'configsync-undo-term-'));
const env = () => ({KUBECONFIG: slow.kubeconfig, XDG_STATE_HOME: join(work, 'state'), NO_COLOR: '1'});

let slow: ProxiedContext;
let cleanup: () => Promise<void>;

async function put(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  const {status, body} = await adminRequest('alpha', 'POST', `/api/v1/namespaces/${namespace}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name, namespace},
    data,
  });
  if (status !== 201) throw new Error(`create ${name}: HTTP ${status}: ${body?.message}`);
}

async function dataOf(namespace: string): Promise<Record<string, Record<string, string>>> {
  const {body} = await adminRequest('alpha', 'GET', `/api/v1/namespaces/${namespace}/configmaps`);
  return Object.fromEntries(
    body.items.filter((i: any) => i.metadata.name !== 'kube-root-ca.crt').map((i: any) => [i.metadata.name, i.data ?? {}]),
  );
}

beforeAll(async () => {
  cleanup = await createNamespaces('alpha', src, dst);
  slow = await proxiedContext('alpha-slow', 'alpha');
});

afterAll(async () => {
  await slow?.close();
  await cleanup?.();
  rmSync(work, {recursive: true, force: true});
});

describe('undo and signals', () => {
  it('SIGTERM during an undo: the restore in flight finishes, the rest is reported not attempted, exit 130, a rerun finishes', async () => {
    for (const name of names) {
      await put(src, name, {V: 'synced'});
      await put(dst, name, {V: 'original'});
    }
    const synced = await runCli(['sync', `alpha-slow/${src}`, `alpha-slow/${dst}`, '--all', '--yes', '-o', 'json'], {env: env()});
    expect(synced.code, synced.stderr).toBe(0);
    const runId = JSON.parse(synced.stdout).runId as string;
    expect(Object.values(await dataOf(dst))).toEqual(names.map(() => ({V: 'synced'})));

    slow.proxy.rule = (request) => (request.method === 'PATCH' ? {delayMs: 400} : undefined);
    // Newest first: u5 is restored first, so the signal arrives while the second (u4) is in flight.
    const run = await runUntil(['undo', runId, '--yes', '-o', 'json'], /restoring configmap\/u4 /, 'SIGTERM');
    slow.proxy.rule = () => undefined;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('SIGTERM: finishing the write in flight, then stopping');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    const match = /^error: interrupted \(SIGTERM\): (\d+) restored, (\d+) not attempted; run the same command again to finish$/.exec(
      errors[0],
    );
    expect(match, run.stderr).not.toBeNull();
    const restored = Number(match![1]);
    expect(restored + Number(match![2])).toBe(names.length);
    expect(restored).toBeGreaterThanOrEqual(2);
    expect(restored).toBeLessThan(names.length);
    const report = JSON.parse(run.stdout);
    expect(report.objects).toHaveLength(names.length);
    expect(report.objects.filter((o: any) => o.outcome === 'restored')).toHaveLength(restored);
    const after = await dataOf(dst);
    expect(names.filter((n) => after[n].V === 'original')).toHaveLength(restored);

    // Not marked undone, so the same command finishes; what was restored is recognised, not refused as changed.
    const rerun = await runCli(['undo', runId, '--yes', '-o', 'json'], {env: env()});
    expect(rerun.code, rerun.stderr).toBe(0);
    const second = JSON.parse(rerun.stdout);
    expect(second.summary).toEqual({restored: names.length - restored, 'would-restore': 0, skipped: restored, failed: 0});
    expect(second.objects.filter((o: any) => o.outcome === 'skipped').map((o: any) => o.reason)).toEqual(
      Array(restored).fill('already as before the run'),
    );
    expect(await dataOf(dst)).toEqual(Object.fromEntries(names.map((n) => [n, {V: 'original'}])));
    const runs = JSON.parse((await runCli(['undo', '--list', '-o', 'json'], {env: env()})).stdout);
    expect(runs.find((r: any) => r.runId === runId).undoneAt).toBeDefined();
  });
});

/** Runs the CLI and sends a signal once stderr shows `pattern`. */
function runUntil(args: string[], pattern: RegExp, signal: NodeJS.Signals): Promise<RunResult> {
  return runCli(args, {env: env(), signalWhen: {pattern, signal}, timeoutMs: 60_000});
}
