// Cluster identity: one cluster reached through several contexts and host names is one
// cluster (the kube-system UID decides), never told apart by context name or URL string.
import {createHash} from 'node:crypto';
import {afterAll, describe, expect, it} from 'vitest';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, kubectl, kubectlJson, runCli, uniqueName} from './support.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function namespaces(context: string, ...names: string[]): Promise<void> {
  cleanups.push(await createNamespaces(context, ...names));
}

async function getCm(context: string, namespace: string, name: string): Promise<any | undefined> {
  try {
    return await kubectlJson(['--context', context, '-n', namespace, 'get', 'configmap', name]);
  } catch {
    return undefined;
  }
}

/** A private kubeconfig with extra contexts; `--kubeconfig` points the CLI at it. */
function withContexts(...extra: Parameters<typeof kubeconfigWith>[0]): string {
  const config = kubeconfigWith(extra);
  cleanups.push(config.cleanup);
  return config.path;
}

describe('a second context name for the same cluster (https://localhost:PORT beside 127.0.0.1)', () => {
  it('is refused as a target that is the source, so the source is neither adopted nor deleted; status and sync see one cluster', async () => {
    const p = uniqueName('cid');
    const [src, other] = [`${p}-src`, `${p}-other`];
    await namespaces('alpha', src, other);
    await apply('alpha', configMap(src, 'precious', {k: 'v'}));
    const config = withContexts({name: 'alpha-lh', like: 'alpha', host: 'localhost'});
    const cli = (...args: string[]) => runCli([...args, '--kubeconfig', config]);

    const adopt = await cli(
      'fanout',
      'configmap/precious',
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'alpha-lh',
      '--to-namespace',
      src,
      '--on-conflict',
      'adopt',
      '--yes',
    );
    expect(adopt.code).toBe(2);
    expect(adopt.stderr).toMatch(
      /^error: target alpha-lh\/\S+ is the source itself: same cluster and namespace \(context "alpha-lh" reaches the source's cluster\)/m,
    );
    // The context's default namespace (none set: the source's) is the source too.
    expect((await cli('fanout', 'configmap/precious', '--context', 'alpha', '-n', src, '--to-context', 'alpha-lh', '--yes')).code).toBe(2);
    const untouched = await getCm('alpha', src, 'precious');
    expect(Object.keys(untouched.metadata.labels ?? {}).filter((k) => k.startsWith('configsync.kubectl.dev/'))).toEqual([]);

    const removed = await cli(
      'fanout',
      '--delete',
      'configmap/precious',
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'alpha-lh',
      '--yes',
    );
    expect(removed.code).toBe(0);
    expect((await getCm('alpha', src, 'precious')).data).toEqual({k: 'v'});

    // Two contexts of one cluster naming the same namespace: one place, refused.
    const twice = await cli(
      'fanout',
      'configmap/precious',
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'alpha,alpha-lh',
      '--to-namespace',
      other,
      '--yes',
    );
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^error: targets alpha\/\S+ and alpha-lh\/\S+ are the same place \(one cluster/m);
    expect(await getCm('alpha', other, 'precious')).toBeUndefined();

    // sync and diff: the alias is the same namespace of the same cluster.
    const sync = await cli('sync', `alpha/${src}`, `alpha-lh/${src}`, '--all', '--yes');
    expect(sync.code).toBe(2);
    expect(sync.stderr).toMatch(/^error: source and target are the same place/m);

    // A copy made through alpha is found, once, through alpha-lh.
    expect((await cli('fanout', 'configmap/precious', '--context', 'alpha', '-n', src, '--to-namespace', other, '--yes')).code).toBe(0);
    // Both contexts read the copies; the report has one row per copy.
    const status = await cli(
      'fanout',
      'status',
      'configmap/precious',
      '--context',
      'alpha-lh',
      '-n',
      src,
      '--to-context',
      'alpha',
      '--to-namespace',
      other,
      '-o',
      'json',
    );
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc.copies.map((c: any) => [c.namespace, c.state])).toEqual([[other, 'in-sync']]);
    // And --delete through the alias removes that copy, never the source.
    const deleted = await cli(
      'fanout',
      '--delete',
      'configmap/precious',
      '--context',
      'alpha-lh',
      '-n',
      src,
      '--to-context',
      'alpha',
      '--yes',
    );
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('1 pruned');
    expect(await getCm('alpha', other, 'precious')).toBeUndefined();
    expect((await getCm('alpha', src, 'precious')).data).toEqual({k: 'v'});
  });
});

describe('several contexts per cluster', () => {
  it('4 contexts, 2 per cluster, each its own namespace: the re-run plans 0 prunes, status shows one row per copy', async () => {
    const p = uniqueName('cid');
    const [src, n1, n2, n3, n4] = ['src', 'n1', 'n2', 'n3', 'n4'].map((s) => `${p}-${s}`);
    await namespaces('alpha', src, n1, n2);
    await namespaces('beta', n3, n4);
    await apply('alpha', configMap(src, 'shared', {k: 'v1'}));
    const config = withContexts(
      {name: 'a1', like: 'alpha', namespace: n1},
      {name: 'a2', like: 'alpha', host: 'localhost', namespace: n2},
      {name: 'b1', like: 'beta', namespace: n3},
      {name: 'b2', like: 'beta', host: 'localhost', namespace: n4},
    );
    const run = (...extra: string[]) =>
      runCli([
        'fanout',
        'configmap/shared',
        '--kubeconfig',
        config,
        '--context',
        'alpha',
        '-n',
        src,
        '--to-context',
        'a1,a2,b1,b2',
        ...extra,
      ]);

    const first = await run('--yes');
    expect(first.stderr).not.toMatch(/error|warning/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('4 created');

    const again = await run('--dry-run=client', '-o', 'json');
    expect(again.code).toBe(0);
    const plan = JSON.parse(again.stdout);
    expect(plan.summary).toEqual({create: 0, update: 0, unchanged: 4, prune: 0, conflict: 0, error: 0});
    expect(plan.entries.map((e: any) => [e.context, e.namespace])).toEqual([
      ['a1', n1],
      ['a2', n2],
      ['b1', n3],
      ['b2', n4],
    ]);
    const rerun = await run('--yes');
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain('nothing to write');
    for (const [context, ns] of [
      ['alpha', n1],
      ['alpha', n2],
      ['beta', n3],
      ['beta', n4],
    ])
      expect((await getCm(context, ns, 'shared')).data).toEqual({k: 'v1'});

    const status = await runCli([
      'fanout',
      'status',
      'configmap/shared',
      '--kubeconfig',
      config,
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'a1,a2,b1,b2',
      '-o',
      'json',
    ]);
    expect(status.code).toBe(0);
    const rows = JSON.parse(status.stdout).copies.map((c: any) => [c.namespace, c.state]);
    expect(rows.sort()).toEqual([n1, n2, n3, n4].map((ns) => [ns, 'in-sync']));

    // Leaving a2 out of the run prunes its copy, and only that one.
    const narrower = await runCli([
      'fanout',
      'configmap/shared',
      '--kubeconfig',
      config,
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'a1,b1,b2',
      '--yes',
    ]);
    expect(narrower.code).toBe(0);
    expect(narrower.stdout).toContain('1 pruned');
    expect(await getCm('alpha', n2, 'shared')).toBeUndefined();
    expect(await getCm('alpha', n1, 'shared')).toBeDefined();
  });
});

describe('copies marked by earlier versions', () => {
  it('are recognised by the URL they were marked with, rewritten once to the identity, then stable under any context name', async () => {
    const p = uniqueName('cid');
    const [src, t] = [`${p}-src`, `${p}-t`];
    await namespaces('alpha', src, t);
    await apply('alpha', configMap(src, 'legacy', {k: 'v'}));
    const server = (
      await kubectl(['config', 'view', '-o', 'jsonpath={.clusters[?(@.name=="' + (await alphaClusterName()) + '")].cluster.server}'])
    ).trim();
    const legacyId = createHash('sha256')
      .update(`ConfigMap\n${server.replace(/\/+$/, '').toLowerCase()}\n${src}\nlegacy`)
      .digest('hex')
      .slice(0, 40);
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'legacy',
          namespace: t,
          labels: {'configsync.kubectl.dev/origin-id': legacyId, 'configsync.kubectl.dev/origin-cluster': 'alice-context'},
          annotations: {
            'configsync.kubectl.dev/origin': JSON.stringify({
              kind: 'ConfigMap',
              name: 'legacy',
              namespace: src,
              context: 'alice-context',
              server,
            }),
          },
        },
        data: {k: 'v'},
      }),
    );
    const config = withContexts({name: 'bob', like: 'alpha', host: 'localhost'});

    const args = ['fanout', 'configmap/legacy', '--kubeconfig', config, '--context', 'alpha', '-n', src, '--to-namespace', t];
    const planned = await runCli([...args, '--dry-run=client']);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/update\s+changed: labels, annotations; origin marked by an earlier version: now the cluster identity/);
    const migrate = await runCli([...args, '--yes']);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('1 updated');
    const copy = await getCm('alpha', t, 'legacy');
    const uid = (await kubectlJson(['--context', 'alpha', 'get', 'namespace', 'kube-system'])).metadata.uid;
    expect(JSON.parse(copy.metadata.annotations['configsync.kubectl.dev/origin'])).toEqual({
      kind: 'ConfigMap',
      name: 'legacy',
      namespace: src,
      cluster: uid,
    });
    const rv = copy.metadata.resourceVersion;

    // Another colleague's context name and host name: nothing to rewrite.
    for (const context of ['bob', 'alpha']) {
      const again = await runCli([
        'fanout',
        'configmap/legacy',
        '--kubeconfig',
        config,
        '--context',
        context,
        '-n',
        src,
        '--to-namespace',
        t,
        '--yes',
      ]);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('nothing to write');
    }
    expect((await getCm('alpha', t, 'legacy')).metadata.resourceVersion).toBe(rv);
  });
});

describe('--cluster-name', () => {
  it('labels copies readably; a later run without it neither rewrites them nor loses ownership', async () => {
    const p = uniqueName('cid');
    const [src, t] = [`${p}-src`, `${p}-t`];
    await namespaces('alpha', src, t);
    await apply('alpha', configMap(src, 'named', {k: 'v'}));
    const args = ['fanout', 'configmap/named', '--context', 'alpha', '-n', src, '--to-namespace', t, '--yes'];
    expect((await runCli([...args, '--cluster-name', 'alpha-eu'])).code).toBe(0);
    expect((await getCm('alpha', t, 'named')).metadata.labels['configsync.kubectl.dev/origin-cluster']).toBe('alpha-eu');
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to write');
  });
});

describe('when the kube-system namespace cannot be read', () => {
  it('falls back to the normalised server URL and CA, says so, and still knows localhost and 127.0.0.1 are one server', async () => {
    const p = uniqueName('cid');
    const ns = `${p}-s`;
    const user = `${p}-user`;
    await namespaces('alpha', ns);
    await kubectl(['--context', 'alpha', '-n', ns, 'create', 'rolebinding', 'edit', '--clusterrole=edit', `--user=${user}`]);
    const config = withContexts(
      {name: 'limited', like: 'alpha', as: user},
      {name: 'limited-lh', like: 'alpha', as: user, host: 'localhost'},
    );
    const result = await runCli(['diff', `limited/${ns}`, `limited-lh/${ns}`, '--kubeconfig', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /note: context "limited": may not read namespace kube-system; identifying the cluster by its server URL and CA \(endpoint-[0-9a-f]{24}\)/,
    );
    expect(result.stderr).toMatch(/^error: source and target are the same place/m);
  });
});

async function alphaClusterName(): Promise<string> {
  return (await kubectl(['config', 'view', '-o', 'jsonpath={.contexts[?(@.name=="alpha")].context.cluster}'])).trim();
}
