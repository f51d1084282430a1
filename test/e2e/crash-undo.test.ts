// Crash consistency: the CLI is killed (SIGKILL) at every write boundary of a sync, through
// a local proxy that holds the request at the chosen moment; `undo RUN` afterwards must put
// every object back, deciding from what the server holds against the journal. Then the
// journal's own failure: a full disk before the first write, and after it.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import type {ChildProcess} from 'node:child_process';
import {tmpdir} from 'node:os';
import {isDeepStrictEqual} from 'node:util';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Tally, recordFigures} from '../support/reliability.js';
import {proxiedContext, type FaultDecision, type ProxiedContext} from './fault-proxy.js';
import {applyAll, configMap, createNamespaces, kubectlJson, runCli, uniqueName} from './support.js';

const tally = new Tally();
afterAll(() => recordFigures('crash-undo', 'Crash-consistent undo and journal failures', tally.figures));

/** The objects a sync touches, one per write path: update, create, delete-and-create. */
const ORIGINAL = {app: {LOG_LEVEL: 'info', KEEP: 'target'}, frozen: {K: 'old'}};
const SOURCE = {app: {LOG_LEVEL: 'debug', KEEP: 'target'}, fresh: {N: '1'}, frozen: {K: 'new'}};

async function liveState(namespace: string) {
  const list = await kubectlJson(['--context', 'beta', '-n', namespace, 'get', 'configmaps']);
  const state: Record<string, unknown> = {};
  for (const item of list.items)
    if (item.metadata.name !== 'kube-root-ca.crt') state[item.metadata.name] = {data: item.data, immutable: item.immutable ?? false};
  return state;
}

const expectedOriginal = {app: {data: ORIGINAL.app, immutable: false}, frozen: {data: ORIGINAL.frozen, immutable: true}};

async function resetTarget(namespace: string): Promise<void> {
  await runKubectl(['--context', 'beta', '-n', namespace, 'delete', 'configmaps', '--all', '--wait=true']);
  await applyAll('beta', [configMap(namespace, 'app', ORIGINAL.app), configMap(namespace, 'frozen', ORIGINAL.frozen, {immutable: true})]);
}

async function runKubectl(args: string[]): Promise<void> {
  execFileSync('/usr/bin/kubectl', ['--kubeconfig', join(import.meta.dirname, '..', '..', '.cluster', 'kubeconfig'), ...args], {
    stdio: 'ignore',
  });
}

interface KillPoint {
  name: string;
  /** Which request to act on. */
  matches: (method: string, path: string, seen: Array<{method: string}>) => boolean;
  /** before-send: the request never reaches the server; no-answer: it does, the CLI is dead; after-answer: killed once answered. */
  moment: 'before-send' | 'no-answer' | 'after-answer';
}

const KILL_POINTS: KillPoint[] = [
  {name: 'before the first write is sent', matches: (m) => m === 'PATCH', moment: 'before-send'},
  {name: 'update sent, no answer', matches: (m) => m === 'PATCH', moment: 'no-answer'},
  {name: 'update answered', matches: (m) => m === 'PATCH', moment: 'after-answer'},
  {
    name: 'create sent, no answer',
    matches: (m, p) => m === 'POST' && p.includes('/configmaps') && !p.includes('frozen'),
    moment: 'no-answer',
  },
  {name: 'delete of a recreate sent, no answer', matches: (m) => m === 'DELETE', moment: 'no-answer'},
  {
    name: 'between the DELETE and the POST of a recreate',
    matches: (m, p, seen) => m === 'POST' && seen.some((s) => s.method === 'DELETE'),
    moment: 'before-send',
  },
  {
    name: 'recreate POST sent, no answer',
    matches: (m, _p, seen) => m === 'POST' && seen.some((s) => s.method === 'DELETE'),
    moment: 'no-answer',
  },
  {
    name: 'recreate POST answered',
    matches: (m, _p, seen) => m === 'POST' && seen.some((s) => s.method === 'DELETE'),
    moment: 'after-answer',
  },
];

describe('undo after the CLI is killed at any write boundary', () => {
  const src = uniqueName('crash-src');
  const dst = uniqueName('crash-dst');
  let cleanup: () => Promise<void>;
  let proxied: ProxiedContext;

  beforeAll(async () => {
    const a = await createNamespaces('alpha', src);
    const b = await createNamespaces('beta', dst);
    cleanup = async () => {
      await a();
      await b();
    };
    await applyAll(
      'alpha',
      Object.entries(SOURCE).map(([name, data]) => configMap(src, name, data)),
    );
    proxied = await proxiedContext('beta-proxied', 'beta');
  });
  afterAll(async () => {
    await proxied?.close();
    await cleanup?.();
  });

  for (const point of KILL_POINTS) {
    it(`killed ${point.name}: undo restores every object`, async () => {
      await resetTarget(dst);
      const state = mkdtempSync(join(tmpdir(), 'configsync-crash-'));
      const runs = join(state, 'kubectl-configsync', 'runs');
      let child: ChildProcess | undefined;
      let fired = false;
      const kill = async () => {
        if (!child || child.exitCode !== null) return;
        const exited = new Promise((resolve) => child!.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      };
      proxied.proxy.rule = ({method, path}, seen): FaultDecision => {
        if (fired || !point.matches(method, path, seen)) return undefined;
        fired = true;
        if (point.moment === 'after-answer') return {afterAnswer: kill};
        return {
          before: async () => {
            await kill();
            if (point.moment === 'before-send') throw new Error('killed before the request was sent');
          },
        };
      };
      const env = {KUBECONFIG: proxied.kubeconfig, XDG_STATE_HOME: state};
      const synced = await runCli(['sync', `alpha/${src}`, `beta-proxied/${dst}`, '--all', '--recreate', '--yes'], {
        env,
        onSpawn: (c) => (child = c),
      });
      proxied.proxy.rule = () => undefined;
      expect(fired, `the kill point was reached (${synced.stderr})`).toBe(true);
      expect(synced.code).not.toBe(0);
      tally.add('killPointsTested');

      const [journal] = readdirSync(runs).filter((f) => f.endsWith('.jsonl'));
      expect(journal, 'a journal exists before the first write').toBeDefined();
      const undone = await runCli(['undo', journal.replace(/\.jsonl$/, ''), '--yes'], {env});
      expect(undone.stderr).not.toMatch(/\n\s+at /);
      expect(undone.code, undone.stdout + undone.stderr).toBe(0);
      const live = await liveState(dst);
      tally.add('objectsTouched', 3);
      // Counted as the assertion below judges: key order does not matter.
      tally.add(
        'objectsRestored',
        Object.keys(expectedOriginal).filter((k) => isDeepStrictEqual(live[k], expectedOriginal[k as keyof typeof expectedOriginal]))
          .length + (live.fresh === undefined ? 1 : 0),
      );
      expect(live).toEqual(expectedOriginal);
      rmSync(state, {recursive: true, force: true});
    });
  }
});

describe('a journal that cannot be written stops every write', () => {
  const src = uniqueName('full-src');
  const dst = uniqueName('full-dst');
  const mountPoint = mkdtempSync(join(tmpdir(), 'configsync-full-'));
  let cleanup: () => Promise<void>;
  const big = 'x'.repeat(16 * 1024);

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst);
    await applyAll(
      'alpha',
      ['one', 'two', 'three'].flatMap((name) => [configMap(src, name, {V: `new-${big}`}), configMap(dst, name, {V: `old-${big}`})]),
    );
    // A small filesystem of its own, as a full disk is for the state directory.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mountPoint]);
  });
  afterAll(async () => {
    try {
      execFileSync('umount', [mountPoint]);
    } catch {
      // not mounted
    }
    await cleanup?.();
  });

  function fill(except: number): string {
    const filler = join(mountPoint, 'filler');
    rmSync(filler, {force: true});
    const free = Number(execFileSync('df', ['--output=avail', '-B1', mountPoint], {encoding: 'utf8'}).split('\n')[1].trim());
    writeFileSync(filler, Buffer.alloc(Math.max(0, free - except)));
    return filler;
  }

  it('full before the first write: one line naming the directory and the cause, exit 3, nothing written, no file left', async () => {
    const filler = fill(0);
    const state = join(mountPoint, 'state');
    mkdirSync(state, {recursive: true});
    const before = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmaps']);
    const result = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, '--all', '--yes'], {env: {XDG_STATE_HOME: state}});
    tally.add('journalFailuresInjected');
    const after = await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmaps']);
    // Nothing may have been written; an object whose content changed without a journal line is lost to undo.
    const unjournaled = after.items.filter(
      (item: any) =>
        !before.items.some(
          (old: any) => old.metadata.uid === item.metadata.uid && old.metadata.resourceVersion === item.metadata.resourceVersion,
        ),
    ).length;
    tally.add('objectsLostToJournalFailures', unjournaled);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: cannot write the run journal in \S+\/kubectl-configsync\/runs: no space left on device/m);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(unjournaled).toBe(0);
    expect(after.items.map((i: any) => i.metadata.resourceVersion)).toEqual(before.items.map((i: any) => i.metadata.resourceVersion));
    const runs = join(state, 'kubectl-configsync', 'runs');
    expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
    rmSync(filler);
    rmSync(state, {recursive: true, force: true});
  });

  it('full after the first write: every object reported, the rest not attempted, exit 4; undo restores once space is freed', async () => {
    // Room for the header and one write, not for a second: its intent holds the object before and after
    // (each ~32 KiB: the 16 KiB value twice, once in kubectl's last-applied annotation), its result the object written.
    const filler = fill(120 * 1024);
    const state = join(mountPoint, 'state');
    const result = await runCli(['sync', `alpha/${src}`, `alpha/${dst}`, '--all', '--yes', '-o', 'json'], {env: {XDG_STATE_HOME: state}});
    tally.add('journalFailuresInjected');
    expect(result.code, result.stderr).toBe(4);
    const report = JSON.parse(result.stdout);
    const outcomes = report.objects.map((o: any) => o.outcome);
    expect(outcomes.filter((o: string) => o === 'written').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((o: string) => o !== 'written').length).toBeGreaterThanOrEqual(1);
    expect(result.stderr).toMatch(/no space left on device/);
    const runs = join(state, 'kubectl-configsync', 'runs');
    expect(readdirSync(runs).filter((f) => !f.endsWith('.jsonl'))).toEqual([]);
    const written = report.objects.filter((o: any) => o.outcome === 'written').map((o: any) => o.name);
    for (const name of ['one', 'two', 'three']) {
      const value = (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', name])).data.V;
      expect(value.startsWith(written.includes(name) ? 'new-' : 'old-')).toBe(true);
    }
    rmSync(filler);
    const undone = await runCli(['undo', report.runId, '--yes'], {env: {XDG_STATE_HOME: state}});
    // Counted before judged: an object undo could not bring back to its old value is lost.
    const values = await Promise.all(
      ['one', 'two', 'three'].map(
        async (name) => (await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', name])).data.V as string,
      ),
    );
    tally.add('objectsLostToJournalFailures', values.filter((value) => !value.startsWith('old-')).length);
    expect(undone.code, undone.stderr).toBe(0);
    expect(values.every((value) => value.startsWith('old-'))).toBe(true);
  });
});
