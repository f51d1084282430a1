// Every wait is bounded: credential plugins that hang or answer garbage, --request-timeout at its
// limits, and one hung target among several. Times are whole-process wall clock, compared with a
// healthy run of the same command measured in the same test so that start-up cost cancels out.
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, connect, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {recordFigures} from '../support/reliability.js';
import {adminCertificate, kubeconfigWith, silentServer} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, kubectlJson, repoRoot, runCli, uniqueName} from './support.js';

const TIMEOUT_MS = 2000;
/** What a loaded 2-core machine adds on top of 10% of the timeout, between two runs of a command. */
const NOISE_MS = 700;

const dir = mkdtempSync(join(tmpdir(), 'configsync-plugins-'));
const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, {recursive: true, force: true})];
const figures: Record<string, number> = {};
/** Whole-process times of the runs with one hung target, beside the same command without it. */
const oneHung: Array<{ms: number; healthyMs: number}> = [];
let config: string;
const ns = uniqueName('bounded');

/** A credential plugin: a shell script that records each start, then runs `body`. */
function plugin(name: string, body: string): {exec: Record<string, unknown>; starts: () => number; pidFile: string} {
  const count = join(dir, `${name}.count`);
  const pidFile = join(dir, `${name}.pid`);
  const command = join(dir, `${name}.sh`);
  writeFileSync(command, `#!/bin/sh\necho start >> '${count}'\necho $$ > '${pidFile}'\n${body}\n`);
  chmodSync(command, 0o755);
  return {
    exec: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command, interactiveMode: 'Never'}},
    starts: () => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').filter(Boolean).length : 0),
    pidFile,
  };
}

const answerFile = join(dir, 'credential.json');
const counting = plugin('counting', `cat '${answerFile}'`);
const hanging = plugin('hanging', 'exec sleep 600');
const garbage = plugin('garbage', `echo '{"kind":"Token","apiVersion":"v1","status":{"token":"leaked-token-5f2a"}}'`);

async function timed(args: string[]) {
  const started = Date.now();
  const result = await runCli([...args, '--kubeconfig', config]);
  return {...result, ms: Date.now() - started};
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^State:\s+(\S)/m)?.[1];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const {certificate, key} = adminCertificate();
  writeFileSync(
    answerFile,
    JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: {clientCertificateData: certificate, clientKeyData: key},
    }),
  );
  const silent = await silentServer();
  cleanups.push(() => silent.close());
  const file = kubeconfigWith([
    // Two clusters, one user: its plugin must run once per run.
    {name: 'exec-alpha', like: 'alpha', user: counting.exec, userName: 'exec-admin'},
    {name: 'exec-beta', like: 'beta', user: counting.exec, userName: 'exec-admin'},
    {name: 'hung-plugin', server: `https://127.0.0.1:${silent.port}`, user: hanging.exec},
    {name: 'garbage-plugin', like: 'alpha', user: garbage.exec},
    {name: 'hung-server', server: `https://127.0.0.1:${silent.port}`},
  ]);
  config = file.path;
  cleanups.push(file.cleanup);
  cleanups.push(await createNamespaces('alpha', ns, `${ns}-t`));
  cleanups.push(await createNamespaces('beta', ns, `${ns}-t`));
  await apply('alpha', configMap(ns, 'app', {A: '1', B: '2'}));
});

afterAll(async () => {
  recordFigures('bounded-waits', 'Bounded waits (hung plugins and API servers)', figures);
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('credential plugins', () => {
  it('run once per user per run, however many contexts and requests use them', async () => {
    const result = await timed(['sync', `exec-alpha/${ns}`, `exec-beta/${ns}`, '--all', '--yes']);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    expect(counting.starts()).toBe(1);
    const copy = await kubectlJson(['--context', 'beta', '-n', ns, 'get', 'configmap', 'app']);
    expect(copy.data).toEqual({A: '1', B: '2'});
    figures.pluginStartsPerRun = counting.starts();
  });

  it('that hang are stopped after --request-timeout, with one error line naming the context and the plugin', async () => {
    const result = await timed(['diff', `hung-plugin/${ns}`, `alpha/${ns}`, '--request-timeout', `${TIMEOUT_MS}ms`]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: credentials: getting credentials for context "hung-plugin" failed: exec plugin ".*hanging\.sh" did not answer within 2s/,
    );
    expect(hanging.starts()).toBe(1);
    expect(alive(Number(readFileSync(hanging.pidFile, 'utf8')))).toBe(false);
    const healthy = await timed(['diff', `alpha/${ns}`, `beta/${ns}`]);
    expect(result.ms - healthy.ms).toBeLessThan(TIMEOUT_MS * 1.1 + NOISE_MS);
  });

  it('that answer garbage fail with one line that never quotes the answer, and no request goes out anonymously', async () => {
    const result = await timed(['diff', `garbage-plugin/${ns}`, `beta/${ns}`]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^error: credentials: getting credentials for context "garbage-plugin" failed: exec plugin ".*garbage\.sh" printed kind "Token", not an ExecCredential/,
    );
    expect(result.stderr + result.stdout).not.toContain('leaked-token');
    expect(result.stderr).not.toMatch(/anonymous|forbidden/);
  });
});

describe('--request-timeout', () => {
  it('1s against a silent API server gives up within 10% of a second (beyond the healthy run)', async () => {
    const healthy = await timed(['diff', `alpha/${ns}`, `beta/${ns}`]);
    const result = await timed(['diff', `hung-server/${ns}`, `alpha/${ns}`, '--request-timeout', '1s']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: timeout: the API server of context "hung-server" did not answer in time/);
    figures.overshootAt1sMs = Math.max(0, result.ms - healthy.ms - 1000);
    expect(result.ms - healthy.ms).toBeLessThan(1100 + NOISE_MS);
  });

  it('1000h is honoured as kubectl honours it: the command works and no timer overflows', async () => {
    const healthy = await timed(['diff', `alpha/${ns}`, `beta/${ns}`, '-o', 'json']);
    const result = await timed(['diff', `alpha/${ns}`, `beta/${ns}`, '-o', 'json', '--request-timeout', '1000h']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(healthy.code);
    expect([0, 1]).toContain(result.code);
    // The same comparison as without the flag (the run's random salt aside).
    expect(JSON.parse(result.stdout).objects).toEqual(JSON.parse(healthy.stdout).objects);
    expect(JSON.parse(result.stdout).objects.length).toBeGreaterThan(0);
  });

  it.each([['-1s'], ['soon'], ['3000000h']])('%s is refused as kubectl refuses it (exit 2, one line)', async (value) => {
    const result = await timed(['diff', `alpha/${ns}`, `beta/${ns}`, '--request-timeout', value]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: --request-timeout: invalid duration/);
  });

  it.each([['1h30m'], ['0']])('%s is kubectl syntax and works', async (value) => {
    const result = await timed(['diff', `alpha/${ns}`, `beta/${ns}`, '--request-timeout', value]);
    expect(result.stderr).not.toMatch(/^error/m);
    expect([0, 1]).toContain(result.code);
  });
});

describe('an API server on a port fetch refuses', () => {
  it('is reached as kubectl reaches it (10080)', async () => {
    const state = JSON.parse(readFileSync(join(repoRoot, '.cluster', 'state.json'), 'utf8'));
    const alphaPort: number = state.clusters.alpha.port;
    // 10080 on this machine, forwarded to alpha's API server (whose certificate names 127.0.0.1).
    const sockets = new Set<Socket>();
    const forwarder: Server = createServer((client) => {
      const upstream = connect(alphaPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    try {
      await new Promise<void>((resolve, reject) => forwarder.once('error', reject).listen(10080, '127.0.0.1', resolve));
    } catch (error) {
      throw new Error(`port 10080 is taken on this machine; this test needs it (${(error as Error).message})`, {cause: error});
    }
    const ca = readFileSync(state.caFile, 'utf8');
    const file = kubeconfigWith([{name: 'blocked-port', server: 'https://127.0.0.1:10080', caPem: ca}]);
    try {
      const result = await runCli(['diff', `blocked-port/${ns}`, `beta/${ns}`, '-o', 'json', '--kubeconfig', file.path]);
      expect(result.stderr).not.toMatch(/bad port/);
      expect([0, 1]).toContain(result.code);
      const report = JSON.parse(result.stdout);
      expect(report.objects.map((o: {name: string}) => o.name)).toContain('app');
    } finally {
      file.cleanup();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => forwarder.close(resolve));
    }
  });
});

describe('one hung target never holds the others', () => {
  it('fanout to three contexts with one hung writes the other two, reports the third, within the timeout', async () => {
    const target = `${ns}-t`;
    const args = (contexts: string) => [
      'fanout',
      'configmap/app',
      '--context',
      'alpha',
      '-n',
      ns,
      '--to-context',
      contexts,
      '--to-namespace',
      target,
      '--yes',
      '--request-timeout',
      `${TIMEOUT_MS}ms`,
    ];
    const healthy = await timed([...args('alpha,beta'), '--dry-run', 'client']);
    const result = await timed(args('alpha,beta,hung-plugin'));
    expect(result.code).toBe(4);
    expect(result.stdout + result.stderr).toContain('hung-plugin');
    for (const context of ['alpha', 'beta']) {
      const copy = await kubectlJson(['--context', context, '-n', target, 'get', 'configmap', 'app']);
      expect(copy.data).toEqual({A: '1', B: '2'});
    }
    oneHung.push({ms: result.ms, healthyMs: healthy.ms});
    expect(result.ms - healthy.ms).toBeLessThan(TIMEOUT_MS * 1.1 + NOISE_MS);
  });

  it('a multi-location diff with one silent API server compares the others and reports it (exit 4)', async () => {
    const healthy = await timed(['diff', `alpha/${ns}`, `beta/${ns}`, `alpha/${ns}-t`]);
    const result = await timed(['diff', `alpha/${ns}`, `beta/${ns}`, `hung-server/${ns}`, '--request-timeout', `${TIMEOUT_MS}ms`]);
    expect(result.code).toBe(4);
    // The matrix names the two locations it compared, and not the one left out.
    expect(result.stdout).toContain(`alpha/${ns}`);
    expect(result.stdout).toContain(`beta/${ns}`);
    expect(result.stdout).not.toContain('hung-server');
    expect(result.stdout).toMatch(/configmap\/app/);
    expect(result.stderr).toMatch(new RegExp(`^error: hung-server/${ns} left out of the comparison: timeout`, 'm'));
    oneHung.push({ms: result.ms, healthyMs: healthy.ms});
    expect(result.ms - healthy.ms).toBeLessThan(TIMEOUT_MS * 1.1 + NOISE_MS);
  });

  it('publishes the worst time to fail with one hung target', () => {
    const worst = oneHung.reduce((a, b) => (b.ms > a.ms ? b : a));
    figures.requestTimeoutMs = TIMEOUT_MS;
    figures.worstMsOneHung = worst.ms;
    figures.healthyMsSameCommand = worst.healthyMs;
    expect(oneHung).toHaveLength(2);
  });
});
