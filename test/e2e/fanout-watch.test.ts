import {spawn, type ChildProcess} from 'node:child_process';
import {afterAll, describe, expect, it} from 'vitest';
import {apply, binPath, configMap, createNamespaces, kubeconfig, kubectl, kubectlJson, repoRoot, uniqueName} from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function getCm(context: string, namespace: string, name: string): Promise<any | undefined> {
  try {
    return await kubectlJson(['--context', context, '-n', namespace, 'get', 'configmap', name]);
  } catch {
    return undefined;
  }
}

/** Polls until `check` holds; bounded, so a broken watcher fails the test instead of hanging it. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

function startWatch(args: string[]): {child: ChildProcess; stderr: () => string; exited: Promise<number | null>} {
  const child = spawn(process.execPath, [binPath, 'fanout', ...args, '--watch', '--yes'], {
    cwd: repoRoot,
    env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {child, stderr: () => stderr, exited};
}

describe('fanout --watch', () => {
  it('copies into new matching namespaces, follows source updates, re-creates deleted copies, prunes on label removal, removes copies when the source goes', async () => {
    const p = uniqueName('fw');
    const src = `${p}-src`;
    const a = `${p}-a`;
    const b = `${p}-b`;
    cleanups.push(await createNamespaces('alpha', src, a));
    await kubectl(['--context', 'alpha', 'label', 'namespace', a, `watch-${p}=yes`]);
    await apply('alpha', configMap(src, 'live', {k: 'v1'}));

    const watcher = startWatch(['configmap/live', '--context', 'alpha', '-n', src, '--namespace-selector', `watch-${p}=yes`]);
    await eventually('first copy', async () => (await getCm('alpha', a, 'live'))?.data?.k === 'v1');

    // A new matching namespace gets a copy.
    cleanups.push(await createNamespaces('alpha', b));
    await kubectl(['--context', 'alpha', 'label', 'namespace', b, `watch-${p}=yes`]);
    await eventually('copy in the new namespace', async () => (await getCm('alpha', b, 'live'))?.data?.k === 'v1');

    // A source update propagates.
    await apply('alpha', configMap(src, 'live', {k: 'v2'}));
    await eventually('update propagated', async () => (await getCm('alpha', a, 'live'))?.data?.k === 'v2' && (await getCm('alpha', b, 'live'))?.data?.k === 'v2');

    // A deleted copy comes back.
    await kubectl(['--context', 'alpha', '-n', a, 'delete', 'configmap', 'live']);
    await eventually('copy re-created', async () => (await getCm('alpha', a, 'live'))?.data?.k === 'v2');

    // The namespace loses its label: its copy is pruned.
    await kubectl(['--context', 'alpha', 'label', 'namespace', b, `watch-${p}-`]);
    await eventually('copy pruned', async () => (await getCm('alpha', b, 'live')) === undefined);

    // The source is deleted: copies go too.
    await kubectl(['--context', 'alpha', '-n', src, 'delete', 'configmap', 'live']);
    await eventually('copies removed', async () => (await getCm('alpha', a, 'live')) === undefined);

    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toBe(0);
    const log = watcher.stderr();
    expect(log).toMatch(/created configmap\/live in alpha\/.*-a/);
    expect(log).toMatch(/updated configmap\/live in alpha\/.*-b/);
    expect(log).toMatch(/pruned configmap\/live in alpha\/.*-b/);
    expect(log).toMatch(/stopped \(SIGTERM\)/);
    expect(log).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('keeps a cross-cluster copy in sync and stops cleanly on SIGINT', async () => {
    const p = uniqueName('fw');
    const src = `${p}-src`;
    cleanups.push(await createNamespaces('alpha', src));
    cleanups.push(await createNamespaces('beta', src));
    await apply('alpha', configMap(src, 'cross', {k: 'v1'}));
    const watcher = startWatch(['configmap/cross', '--context', 'alpha', '-n', src, '--to-context', 'beta']);
    await eventually('copy in beta', async () => (await getCm('beta', src, 'cross'))?.data?.k === 'v1');
    await apply('alpha', configMap(src, 'cross', {k: 'v2'}));
    await eventually('beta updated', async () => (await getCm('beta', src, 'cross'))?.data?.k === 'v2');
    watcher.child.kill('SIGINT');
    expect(await watcher.exited).toBe(130);
    expect(watcher.stderr()).toMatch(/stopped \(SIGINT\)/);
  });
});
