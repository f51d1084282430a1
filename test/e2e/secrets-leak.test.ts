// Every command and output format, with Secrets involved and debug output on,
// and every byte they print (plus the backup listings) searched for the secret
// values, plain and base64: 0 hits unless --show-secrets. Backups that hold the
// values are readable by the user only.
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {adminRequest} from './fault-proxy.js';
import {apply, createNamespaces, runCli, uniqueName, type RunResult} from './support.js';
import {runOnTerminal} from './terminal.js';

const src = uniqueName('leak-src');
const dsts = Array.from({length: 4}, () => uniqueName('leak-dst'));
const [dst, dst2, dst3, dst4] = dsts;
const work = mkdtempSync(join(tmpdir(), 'configsync-leak-'));
const stateHome = join(work, 'state');
const tally = new Tally();

const token = () => randomBytes(6).toString('hex');
const secrets = {
  password: `hunter2-${token()}`,
  apiToken: `tok-${token()}`,
  oldPassword: `old-pass-${token()}`,
  targetOnly: `only-in-target-${token()}`,
  multiline: `-----BEGIN KEY-----\nline-${token()}\n-----END KEY-----`,
};
const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), randomBytes(12)]);
/** What must never be printed: each value, its base64, and each line of a multi-line value. */
const needles = [
  ...Object.values(secrets).flatMap((v) => [v, Buffer.from(v).toString('base64'), ...v.split('\n').filter((l) => l.includes('line-'))]),
  binary.toString('base64'),
];

let cleanup: () => Promise<void>;

beforeAll(async () => {
  const a = await createNamespaces('alpha', src, ...dsts);
  const b = await createNamespaces('beta', dst);
  cleanup = async () => {
    await a();
    await b();
  };
  const secret = (namespace: string, name: string, data: Record<string, string | Buffer>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace, labels: {app: 'leak'}},
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  });
  const post = async (namespace: string, body: unknown) => {
    const result = await adminRequest('alpha', 'POST', `/api/v1/namespaces/${namespace}/secrets`, body);
    if (result.status !== 201) throw new Error(`create secret: HTTP ${result.status}`);
  };
  await post(src, secret(src, 'db', {password: secrets.password, token: secrets.apiToken, key: secrets.multiline, blob: binary}));
  await post(dst, secret(dst, 'db', {password: secrets.oldPassword, extra: secrets.targetOnly}));
  await post(dst4, secret(dst4, 'db', {password: secrets.oldPassword}));
  await apply(
    'alpha',
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'web', namespace: dst},
      spec: {
        replicas: 0,
        selector: {matchLabels: {app: 'web'}},
        template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'example.invalid/web:1', env: [{name: 'PASSWORD', valueFrom: {secretKeyRef: {name: 'db', key: 'password'}}}]}]}},
      },
    }),
  );
});

afterAll(async () => {
  await cleanup?.();
  rmSync(work, {recursive: true, force: true});
  recordFigures('secrets', 'Secret values in output', {
    commandsRun: tally.figures.commands ?? 0,
    bytesScanned: tally.figures.bytes ?? 0,
    secretValueHits: tally.figures.hits ?? 0,
    hitsWithShowSecrets: tally.figures.shown ?? 0,
    backupFilesChecked: tally.figures.backups ?? 0,
    backupFilesNotPrivate: tally.figures.notPrivate ?? 0,
  });
});

const env = {XDG_STATE_HOME: stateHome, KUBECTL_CONFIGSYNC_DEBUG: '1'};
const S = `alpha/${src}`;
const formats = ['table', 'json', 'yaml'] as const;

/** Runs a command and returns which needles its stdout and stderr contain. */
async function scan(args: string[], result?: RunResult): Promise<{result: RunResult; hits: string[]}> {
  const run = result ?? (await runCli(args, {env, timeoutMs: 60_000}));
  const text = `${run.stdout}\n${run.stderr}`;
  tally.add('commands');
  tally.add('bytes', Buffer.byteLength(text));
  return {result: run, hits: needles.filter((n) => text.includes(n))};
}

async function expectNoLeak(args: string[], codes: number[]): Promise<RunResult> {
  const {result, hits} = await scan(args);
  tally.add('hits', hits.length);
  expect(codes, `${args.join(' ')}\n${result.stderr}`).toContain(result.code);
  expect(hits, `secret values printed by: ${args.join(' ')}`).toEqual([]);
  return result;
}

describe('secret values never printed without --show-secrets', () => {
  it('diff: two locations and a matrix, every format, and an error path', async () => {
    for (const o of formats) {
      await expectNoLeak(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '-o', o], [1]);
      await expectNoLeak(['diff', S, `alpha/${dst}`, `beta/${dst}`, '--kind', 'all', '-o', o], [1]);
    }
    await expectNoLeak(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '-C', '10'], [1]);
    await expectNoLeak(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '-l', 'app in (leak'], [2]);
  });

  it('sync: plans, server dry run, writes, refusals, and the backup listing', async () => {
    for (const o of formats) {
      await expectNoLeak(['sync', S, `alpha/${dst}`, '--kind', 'secrets', '--all', '--prune', '--dry-run=client', '-o', o], [0]);
      await expectNoLeak(['sync', S, `alpha/${dst}`, '--kind', 'secrets', '--all', '--dry-run=server', '--yes', '-o', o], [0]);
    }
    await expectNoLeak(['sync', S, `alpha/${dst2}`, '--kind', 'secrets', '--all', '--yes', '-o', 'table'], [0]);
    await expectNoLeak(['sync', S, `alpha/${dst3}`, '--kind', 'secrets', '--all', '--yes', '-o', 'json'], [0]);
    const written = await expectNoLeak(['sync', S, `alpha/${dst}`, '--kind', 'secrets', '--all', '--prune', '--yes', '-o', 'yaml'], [0]);
    expect(written.stderr).toMatch(/journal saved as run/);
    // A refusal (no terminal, no --yes) and a stale plan both quote objects, never values.
    await expectNoLeak(['sync', S, `alpha/${dst4}`, '--kind', 'secrets', '--all'], [2]);
    for (const o of formats) await expectNoLeak(['undo', '--list', '-o', o], [0]);
  });

  it('undo, fanout, fanout status, restart and completion', async () => {
    const runs = JSON.parse((await runCli(['undo', '--list', '-o', 'json'], {env})).stdout);
    const run = runs.find((r: any) => r.target.namespace === dst2);
    await expectNoLeak(['undo', run.runId, '--dry-run=client', '--yes', '-o', 'json'], [0]);
    await expectNoLeak(['undo', run.runId, '--yes', '-o', 'yaml'], [0]);
    for (const o of formats) {
      await expectNoLeak(['fanout', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst4, '--on-conflict', 'overwrite', '--dry-run=client', '-o', o], [0]);
      await expectNoLeak(['fanout', 'status', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst4, '-o', o], [0, 1]);
      await expectNoLeak(['restart', 'secret/db', '--context', 'alpha', '-n', dst, '--dry-run=client', '-o', o], [0]);
    }
    await expectNoLeak(['fanout', 'secret/db', '--context', 'alpha', '-n', src, '--to-namespace', dst4, '--on-conflict', 'overwrite', '--yes', '-o', 'json'], [0]);
    await expectNoLeak(['__complete', 'sync', `alpha/${src}`, `alpha/${dst}`, ''], [0]);
  });

  it('the interactive key picker shows no values', async () => {
    // The target differs again, so the picker lists keys with value previews.
    const current = await adminRequest('alpha', 'GET', `/api/v1/namespaces/${dst4}/secrets/db`);
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    await adminRequest('alpha', 'PUT', `/api/v1/namespaces/${dst4}/secrets/db`, {...current.body, data: {password: b64(secrets.oldPassword), extra: b64(secrets.targetOnly)}});
    const {hits, result} = await scan([], await onTerminal(['sync', S, `alpha/${dst4}`, '--kind', 'secrets', '--prune'], [[/Objects to sync/, [' ', '\r']], [/Keys of secret\/db/, ['\x1b[B', '\x1b[B', '\x03']]]));
    tally.add('hits', hits.length);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Keys of secret\/db[\s\S]*password/);
    expect(hits).toEqual([]);
  });

  it('--show-secrets does print them (the search would find a leak)', async () => {
    const {result, hits} = await scan(['diff', S, `alpha/${dst}`, '--kind', 'secrets', '--show-secrets', '-o', 'json', '--include-platform']);
    tally.add('shown', hits.length);
    expect(result.code).toBeLessThanOrEqual(1);
    const leakedBefore = await scan(['sync', S, `beta/${dst}`, '--kind', 'secrets', '--all', '--show-secrets', '--dry-run=client', '-o', 'json']);
    tally.add('shown', leakedBefore.hits.length);
    expect(leakedBefore.hits.length).toBeGreaterThan(0);
  });

  it('backups holding Secret data are mode 0600 in directories only the user can read', async () => {
    const runs = join(stateHome, 'kubectl-configsync', 'runs');
    const files = readdirSync(runs);
    expect(files.length).toBeGreaterThan(0);
    expect(statSync(runs).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateHome, 'kubectl-configsync')).mode & 0o777).toBe(0o700);
    for (const file of files) {
      tally.add('backups');
      const mode = statSync(join(runs, file)).mode & 0o777;
      if (mode !== 0o600) tally.add('notPrivate');
      expect(mode, file).toBe(0o600);
    }
  });
});

/** The CLI on a pseudo-terminal; everything the terminal showed counts as stderr. */
async function onTerminal(args: string[], steps: Array<[RegExp, string[]]>): Promise<RunResult> {
  const {code, screen} = await runOnTerminal(args, steps.map(([waitFor, keys]) => ({waitFor, keys})), env);
  return {code, stdout: '', stderr: screen};
}
