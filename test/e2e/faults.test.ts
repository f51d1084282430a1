// Faults for our client only, through local proxies in front of the shared API
// servers (which keep running): 429/5xx answers, answers lost after the server did
// the work, an API server that dies in the middle of a sync or a fanout, and SIGTERM
// during a write batch. Every target must be reported, the exit code must say what
// happened, and a rerun must converge with no duplicate or lost write.
import type {ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {FaultProxy, adminRequest, makeTestTls, type FaultRule, type TestTls} from './fault-proxy.js';
import {kubeconfigWith} from './kubeconfigs.js';
import {createNamespaces, runCli, uniqueName, type RunResult} from './support.js';

const ns = {
  src: uniqueName('fault-src'),
  dst: uniqueName('fault-dst'),
  kill: uniqueName('fault-kill'),
  term: uniqueName('fault-term'),
  copies: uniqueName('fault-copies'),
  fanA: uniqueName('fault-fan'),
  fanB: uniqueName('fault-fan'),
};
const betaTargets = Array.from({length: 8}, (_, i) => uniqueName(`fault-b${i}`));
const work = mkdtempSync(join(tmpdir(), 'configsync-faults-'));
const stateHome = join(work, 'state');
const tally = new Tally();

let tls: TestTls;
let cleanup: () => Promise<void>;
let config: {path: string; cleanup(): void};
const proxies: Record<'flaky' | 'dying' | 'betaDying' | 'slow', FaultProxy> = {} as never;

const cli = (args: string[]) => runCli(args, {env: {KUBECONFIG: config.path, XDG_STATE_HOME: stateHome}, timeoutMs: 90_000});

async function put(cluster: 'alpha' | 'beta', namespace: string, name: string, data: Record<string, string>): Promise<void> {
  const {status, body} = await adminRequest(cluster, 'POST', `/api/v1/namespaces/${namespace}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name, namespace},
    data,
  });
  if (status !== 201) throw new Error(`create ${name}: HTTP ${status}: ${body?.message}`);
}

async function dataOf(cluster: 'alpha' | 'beta', namespace: string): Promise<Record<string, Record<string, string>>> {
  const {body} = await adminRequest(cluster, 'GET', `/api/v1/namespaces/${namespace}/configmaps`);
  return Object.fromEntries(
    body.items.filter((i: any) => i.metadata.name !== 'kube-root-ca.crt').map((i: any) => [i.metadata.name, i.data ?? {}]),
  );
}

/** A rule that applies `decide` to the nth request (1-based) matching method and path. */
function nth(method: string, path: RegExp, decide: (n: number) => ReturnType<FaultRule>): FaultRule {
  let n = 0;
  return (request) => {
    if (request.method !== method || !path.test(request.path.split('?')[0])) return undefined;
    return decide(++n);
  };
}

const both =
  (...rules: FaultRule[]): FaultRule =>
  (request, seen) => {
    for (const rule of rules) {
      const decision = rule(request, seen);
      if (decision) return decision;
    }
    return undefined;
  };

beforeAll(async () => {
  const a = await createNamespaces('alpha', ns.src, ns.dst, ns.kill, ns.term, ns.copies, ns.fanA, ns.fanB);
  const b = await createNamespaces('beta', ...betaTargets);
  cleanup = async () => {
    await a();
    await b();
  };
  tls = makeTestTls();
  proxies.flaky = await FaultProxy.start('alpha', tls);
  proxies.dying = await FaultProxy.start('alpha', tls);
  proxies.betaDying = await FaultProxy.start('beta', tls);
  proxies.slow = await FaultProxy.start('alpha', tls);
  config = kubeconfigWith([
    {name: 'alpha-flaky', server: proxies.flaky.url, caPem: tls.caPem, user: {}},
    {name: 'alpha-dying', server: proxies.dying.url, caPem: tls.caPem, user: {}},
    {name: 'beta-dying', server: proxies.betaDying.url, caPem: tls.caPem, user: {}},
    {name: 'alpha-slow', server: proxies.slow.url, caPem: tls.caPem, user: {}},
  ]);
});

afterAll(async () => {
  for (const proxy of Object.values(proxies)) await proxy?.close();
  config?.cleanup();
  tls?.cleanup();
  await cleanup?.();
  rmSync(work, {recursive: true, force: true});
  recordFigures('faults', 'Faults (local proxy in front of the real API servers)', {
    faultsInjected: tally.figures.injected ?? 0,
    faultsSurvived: tally.figures.survived ?? 0,
    killedMidRun: tally.figures.killed ?? 0,
    targetsReported: tally.figures.reported ?? 0,
    duplicateWrites: tally.figures.duplicates ?? 0,
    lostWrites: tally.figures.lost ?? 0,
  });
});

describe('faults', () => {
  it('retries 429 (honouring Retry-After) and 5xx, and does not repeat writes whose answer was lost', async () => {
    await put('alpha', ns.src, 'c1', {A: '1'});
    await put('alpha', ns.src, 'c2', {B: '2'});
    await put('alpha', ns.dst, 'c2', {B: '0'});
    const configmaps = (namespace: string) => new RegExp(`/namespaces/${namespace}/configmaps$`);
    proxies.flaky.rule = both(
      nth('GET', configmaps(ns.src), (n) => (n === 1 ? {status: 429, retryAfter: 1} : undefined)),
      nth('GET', configmaps(ns.dst), (n) => (n === 1 ? {status: 500} : undefined)),
      // The create reaches the server, but its answer is lost: the retry meets 409 AlreadyExists.
      nth('POST', configmaps(ns.dst), (n) => (n === 1 ? {status: 504, afterForward: true} : undefined)),
      // The update is refused once before processing, then done with its answer lost: the retry meets 409.
      nth('PATCH', /\/configmaps\/c2$/, (n) => (n === 1 ? {status: 503} : n === 2 ? {status: 504, afterForward: true} : undefined)),
    );
    const result = await cli(['sync', `alpha-flaky/${ns.src}`, `alpha-flaky/${ns.dst}`, '--all', '--yes', '-o', 'json']);
    const injected = proxies.flaky.injected;
    tally.add('injected', injected);
    expect(injected).toBe(5);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.objects.map((o: any) => [o.name, o.outcome])).toEqual([
      ['c1', 'written'],
      ['c2', 'written'],
    ]);
    expect(await dataOf('alpha', ns.dst)).toEqual({c1: {A: '1'}, c2: {B: '2'}});
    // Exactly one create and one update were carried out; the retries met 409 and were recognised.
    const writes = proxies.flaky.seen.filter((r) => r.method === 'POST' || r.method === 'PATCH');
    expect(writes.filter((r) => r.upstreamStatus === 201 || r.upstreamStatus === 200)).toHaveLength(2);
    expect(writes.filter((r) => r.upstreamStatus === 409)).toHaveLength(2);
    expect(proxies.flaky.seen.every((r) => r.userAgent.startsWith('kubectl-configsync/'))).toBe(true);
    tally.add('survived', injected);
  });

  it('fanout retries writes refused with 429', async () => {
    await put('alpha', ns.copies, 'shared', {K: 'v'});
    const targets = [ns.dst, ns.fanA, ns.fanB];
    proxies.flaky.seen.length = 0;
    const first = new Set<string>();
    proxies.flaky.rule = (request) => {
      // Creates of copies only (the access review before writing is a POST too).
      if (request.method !== 'POST' || !/\/configmaps(\?|$)/.test(request.path)) return undefined;
      if (first.has(request.path)) return undefined;
      first.add(request.path);
      return {status: 429, retryAfter: 0};
    };
    const result = await cli([
      'fanout',
      'configmap/shared',
      '--context',
      'alpha-flaky',
      '-n',
      ns.copies,
      '--to-namespace',
      targets.join(','),
      '--yes',
      '-o',
      'json',
    ]);
    tally.add('injected', proxies.flaky.injected);
    expect(result.code, result.stderr).toBe(0);
    expect(proxies.flaky.injected).toBe(3);
    for (const namespace of targets) expect((await dataOf('alpha', namespace)).shared).toEqual({K: 'v'});
    tally.add('survived', proxies.flaky.injected);
    proxies.flaky.rule = () => undefined;
  });

  it('an API server killed in the middle of a multi-object sync: each object reported, exit 4, a rerun converges', async () => {
    const names = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    for (const name of names) await put('alpha', ns.src, name, {V: name});
    proxies.dying.rule = nth('POST', /\/configmaps$/, (n) => (n === 3 ? 'die' : undefined));
    const run = await cli(['sync', `alpha/${ns.src}`, `alpha-dying/${ns.kill}`, ...names, '--all', '--yes', '-o', 'json']);
    tally.add('injected');
    tally.add('killed');
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const report = JSON.parse(run.stdout);
    const outcomes = Object.fromEntries(report.objects.map((o: any) => [o.name, o.outcome]));
    expect(outcomes).toEqual({k1: 'written', k2: 'written', k3: 'failed', k4: 'failed', k5: 'failed', k6: 'failed'});
    tally.add('reported', report.objects.length);
    // One error line per failed object, naming it and the context.
    for (const name of ['k3', 'k4', 'k5', 'k6'])
      expect(run.stderr).toMatch(new RegExp(`^error: .*configmap/${name}.*context "alpha-dying"`, 'm'));
    // The journal holds an intent for every write attempted, and a result for each the server answered.
    const journal = readFileSync(join(stateHome, 'kubectl-configsync', 'runs', `${report.runId}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const answered = new Set(journal.filter((l) => l.type === 'result' && l.outcome === 'written').map((l) => l.seq));
    expect(journal.filter((l) => l.type === 'intent').map((l) => [l.name, answered.has(l.seq)])).toEqual([
      ['k1', true],
      ['k2', true],
      ['k3', false],
      ['k4', false],
      ['k5', false],
      ['k6', false],
    ]);
    expect(Object.keys(await dataOf('alpha', ns.kill)).sort()).toEqual(['k1', 'k2']);

    await proxies.dying.up();
    const rerun = await cli(['sync', `alpha/${ns.src}`, `alpha-dying/${ns.kill}`, ...names, '--all', '--yes', '-o', 'json']);
    // Counted before anything is judged, so a lost or duplicated write shows in the figures.
    const final = await dataOf('alpha', ns.kill);
    const created = proxies.dying.seen.filter((r) => r.method === 'POST' && r.upstreamStatus === 201).length;
    tally.add('duplicates', Math.max(0, created - names.length));
    tally.add('lost', names.filter((n) => final[n]?.V !== n).length);
    expect(rerun.code, rerun.stderr).toBe(0);
    const again = JSON.parse(rerun.stdout);
    expect(again.summary).toMatchObject({written: 4, failed: 0});
    expect(final).toEqual(Object.fromEntries(names.map((n) => [n, {V: n}])));
    expect(created).toBe(names.length);
    tally.add('survived');
  });

  it('an API server killed in the middle of a fanout: every target reported done or failed, exit 4, a rerun converges', async () => {
    await put('alpha', ns.copies, 'bundle', {CA: 'pem'});
    proxies.betaDying.rule = nth('POST', /\/configmaps$/, (n) => (n === 4 ? 'die' : undefined));
    const args = [
      'fanout',
      'configmap/bundle',
      '--context',
      'alpha',
      '-n',
      ns.copies,
      '--to-context',
      'beta-dying',
      '--to-namespace',
      betaTargets.join(','),
      '--concurrency',
      '1',
      '--yes',
      '-o',
      'json',
    ];
    const run = await cli(args);
    tally.add('injected');
    tally.add('killed');
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const document = JSON.parse(run.stdout);
    expect(document.entries).toHaveLength(betaTargets.length);
    expect(document.entries.every((e: any) => e.outcome === 'done' || e.outcome === 'failed')).toBe(true);
    const done = document.entries.filter((e: any) => e.outcome === 'done').map((e: any) => e.namespace);
    expect(done).toHaveLength(3);
    for (const entry of document.entries.filter((e: any) => e.outcome === 'failed')) expect(entry.error).toMatch(/beta-dying/);
    tally.add('reported', document.entries.length);

    await proxies.betaDying.up();
    const rerun = await cli(args);
    const third = await cli(args);
    // Counted before anything is judged, so a lost or duplicated write shows in the figures.
    const copies = await Promise.all(betaTargets.map(async (namespace) => (await dataOf('beta', namespace)).bundle));
    const created = proxies.betaDying.seen.filter(
      (r) => r.method === 'POST' && /\/configmaps(\?|$)/.test(r.path) && r.upstreamStatus === 201,
    ).length;
    tally.add('duplicates', Math.max(0, created - betaTargets.length));
    tally.add('lost', copies.filter((copy) => copy?.CA !== 'pem').length);
    expect(rerun.code, rerun.stderr).toBe(0);
    const second = JSON.parse(rerun.stdout);
    expect(second.entries.filter((e: any) => e.outcome === 'done')).toHaveLength(betaTargets.length - 3);
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/nothing to write: every copy is in sync/);
    for (const copy of copies) expect(copy).toEqual({CA: 'pem'});
    expect(created).toBe(betaTargets.length);
    tally.add('survived');
  });

  it('SIGTERM during a sync write batch: the write in flight finishes, the rest is reported not attempted, exit 130, a rerun finishes', async () => {
    const names = Array.from({length: 8}, (_, i) => `t${i}`);
    for (const name of names) await put('alpha', ns.src, name, {V: name});
    proxies.slow.rule = (request) => (request.method === 'POST' ? {delayMs: 400} : undefined);
    const args = ['sync', `alpha/${ns.src}`, `alpha-slow/${ns.term}`, ...names, '--all', '--yes', '-o', 'json'];
    const run = await runUntil(args, /creating configmap\/t1 /, 'SIGTERM');
    tally.add('injected');
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    const match =
      /^error: interrupted \(SIGTERM\): (\d+) written, (\d+) not attempted; run the same command again to finish, or undo with: kubectl configsync undo \S+$/.exec(
        errors[0],
      );
    expect(match, run.stderr).not.toBeNull();
    const written = Number(match![1]);
    expect(written + Number(match![2])).toBe(names.length);
    expect(written).toBeGreaterThanOrEqual(2);
    expect(Object.keys(await dataOf('alpha', ns.term))).toHaveLength(written);
    const report = JSON.parse(run.stdout);
    expect(report.objects).toHaveLength(names.length);
    tally.add('reported', report.objects.length);

    proxies.slow.rule = () => undefined;
    const rerun = await cli(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout).summary).toMatchObject({written: names.length - written});
    expect(await dataOf('alpha', ns.term)).toEqual(Object.fromEntries(names.map((n) => [n, {V: n}])));
    tally.add('survived');
  });

  it('SIGTERM during a fanout: the write in flight finishes, no more start, every target reported, exit 130, a rerun finishes', async () => {
    await put('alpha', ns.copies, 'term-bundle', {T: '1'});
    const targets = [ns.src, ns.dst, ns.kill, ns.term, ns.fanA, ns.fanB];
    let child: ChildProcess | undefined;
    // The third write is held at the proxy while the CLI gets SIGTERM, then let through.
    proxies.slow.rule = nth('POST', /\/configmaps$/, (n) => (n === 3 ? {before: async () => void child?.kill('SIGTERM')} : {delayMs: 50}));
    const args = [
      'fanout',
      'configmap/term-bundle',
      '--context',
      'alpha-slow',
      '-n',
      ns.copies,
      '--to-namespace',
      targets.join(','),
      '--concurrency',
      '1',
      '--yes',
      '-o',
      'json',
    ];
    const run = await runUntil(args, undefined, 'SIGTERM', (c) => (child = c));
    tally.add('injected');
    proxies.slow.rule = () => undefined;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toEqual(['error: interrupted (SIGTERM): 3 done, 0 failed, 3 not attempted; run the same command again to finish']);
    const document = JSON.parse(run.stdout);
    expect(document.entries.map((e: any) => e.outcome)).toEqual(['done', 'done', 'done', 'skipped', 'skipped', 'skipped']);
    tally.add('reported', document.entries.length);
    let copies = 0;
    for (const namespace of targets) if ((await dataOf('alpha', namespace))['term-bundle']) copies++;
    expect(copies).toBe(3);

    const rerun = await cli(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout).entries.filter((e: any) => e.outcome === 'done')).toHaveLength(3);
    for (const namespace of targets) expect((await dataOf('alpha', namespace))['term-bundle']).toEqual({T: '1'});
    tally.add('survived');
  });
});

/** Runs the CLI through the proxy and sends `signal` once stderr shows `pattern` (or when `onSpawn`'s caller does). */
function runUntil(
  args: string[],
  pattern: RegExp | undefined,
  signal: NodeJS.Signals,
  onSpawn?: (child: ChildProcess) => void,
): Promise<RunResult> {
  return runCli(args, {
    env: {KUBECONFIG: config.path, XDG_STATE_HOME: stateHome},
    signalWhen: pattern && {pattern, signal},
    onSpawn,
    timeoutMs: 60_000,
  });
}
