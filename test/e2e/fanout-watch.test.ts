import {spawn, type ChildProcess} from 'node:child_process';
import {copyFileSync, mkdtempSync} from 'node:fs';
import {createServer, connect, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {
  apply,
  binPath,
  configMap,
  createNamespaces,
  kubeconfig,
  kubectl,
  kubectlJson,
  repoRoot,
  runProcess,
  uniqueName,
} from './support.js';

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

function startWatch(
  args: string[],
  env: Record<string, string> = {},
): {child: ChildProcess; stderr: () => string; exited: Promise<number | null>} {
  const child = spawn(process.execPath, [binPath, 'fanout', ...args, '--watch', '--yes'], {
    cwd: repoRoot,
    env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
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
    await eventually(
      'update propagated',
      async () => (await getCm('alpha', a, 'live'))?.data?.k === 'v2' && (await getCm('alpha', b, 'live'))?.data?.k === 'v2',
    );

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

  it('reconnects after the API server goes away and comes back, and catches up', async () => {
    const p = uniqueName('fw');
    const src = `${p}-src`;
    cleanups.push(await createNamespaces('alpha', src));
    cleanups.push(await createNamespaces('beta', src));
    await apply('alpha', configMap(src, 'flaky', {k: 'v1'}));

    // A TCP relay in front of beta's API server, so this test can "restart" it without
    // disturbing anyone else using the shared test bed.
    const server = (
      await runProcess('/usr/bin/kubectl', [
        '--kubeconfig',
        kubeconfig,
        'config',
        'view',
        '-o',
        'jsonpath={.clusters[?(@.name=="beta")].cluster.server}',
      ])
    ).stdout;
    const upstream = new URL(server);
    const sockets = new Set<Socket>();
    let relay: Server;
    const listen = (port = 0) =>
      new Promise<number>((resolve) => {
        relay = createServer((client) => {
          const target = connect(Number(upstream.port), upstream.hostname);
          for (const s of [client, target]) {
            sockets.add(s);
            s.on('error', () => undefined);
            s.on('close', () => sockets.delete(s));
          }
          client.pipe(target).pipe(client);
        });
        relay.listen(port, '127.0.0.1', () => resolve((relay.address() as {port: number}).port));
      });
    const port = await listen();
    cleanups.push(async () => void relay.close());
    const dir = mkdtempSync(join(tmpdir(), 'fanout-watch-'));
    const config = join(dir, 'kubeconfig');
    copyFileSync(kubeconfig, config);
    await runProcess('/usr/bin/kubectl', ['--kubeconfig', config, 'config', 'set-cluster', 'beta', `--server=https://127.0.0.1:${port}`]);

    const watcher = startWatch(['configmap/flaky', '--context', 'alpha', '-n', src, '--to-context', 'beta'], {KUBECONFIG: config});
    await eventually('copy in beta', async () => (await getCm('beta', src, 'flaky'))?.data?.k === 'v1');

    // "Restart": every connection dropped, nothing listening for a while; the source changes meanwhile.
    const closed = new Promise<void>((resolve) => relay.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    await apply('alpha', configMap(src, 'flaky', {k: 'v2'}));
    await eventually('watch noticed', async () => /reconnecting/.test(watcher.stderr()));
    await listen(port);

    await eventually('beta caught up', async () => (await getCm('beta', src, 'flaky'))?.data?.k === 'v2', 60_000);
    // And it is still watching: a later change arrives too.
    await apply('alpha', configMap(src, 'flaky', {k: 'v3'}));
    await eventually('beta follows after reconnect', async () => (await getCm('beta', src, 'flaky'))?.data?.k === 'v3', 30_000);
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited).toBe(0);
    expect(watcher.stderr()).toMatch(/watch of .* in context beta ended: .*; reconnecting/);
  });
});
