import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  freePort,
  logLines,
  metricOf,
  serviceAccountKubeconfig,
  startController,
  until,
  type ControllerProcess,
} from './controller-support.js';
import {apply, configMap, createNamespaces, kubectl, kubectlJson, runCli, secret, uniqueName} from './support.js';

// kubed.appscode.com/sync-contexts: a source in alpha copied into beta, kept in sync by the
// controller continuously, and pruned there when it loses the annotation or is deleted. The
// controller's kubeconfig holds a token of the generated ServiceAccount in each cluster.
const name = uniqueName('ctl-sc');
const home = uniqueName('ctl-sc-home');
const src = uniqueName('ctl-sc-src');
const cleanups: Array<() => Promise<void>> = [];
let controller: ControllerProcess | undefined;
let port = 0;

async function copy(kind: 'configmap' | 'secret', objectName: string): Promise<Record<string, string> | undefined> {
  const object = await kubectlJson(['--context', 'beta', '-n', src, 'get', kind, objectName]).catch(() => undefined);
  if (!object) return undefined;
  return kind === 'secret'
    ? Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))
    : object.data;
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', home, src));
  cleanups.push(await createNamespaces('beta', home));
  cleanups.push(async () => {
    await kubectl(['--context', 'beta', 'delete', 'namespace', src, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });
  const generated = await runCli(['controller', 'manifests', '-n', home, '--from-annotations', '--name', name]);
  expect(generated.code).toBe(0);
  for (const context of ['alpha', 'beta']) {
    cleanups.push(async () => {
      await kubectl(['--context', context, 'delete', 'clusterrole,clusterrolebinding', name, '--ignore-not-found']).catch(() => undefined);
    });
    await kubectl(['--context', context, 'apply', '-f', '-'], generated.stdout);
  }
  const tokens = await serviceAccountKubeconfig(name, home, ['alpha', 'beta']);
  const shared = JSON.parse(configMap(src, 'shared', {greeting: 'v1'}));
  shared.metadata.annotations = {'kubed.appscode.com/sync-contexts': 'beta'};
  const creds = JSON.parse(secret(src, 'creds', {password: 's1'}));
  creds.metadata.annotations = {'kubed.appscode.com/sync-contexts': 'beta'};
  await apply('alpha', JSON.stringify({apiVersion: 'v1', kind: 'List', items: [shared, creds]}));
  port = await freePort();
  controller = startController([
    ...['--kubeconfig', tokens, '--context', 'alpha', '--from-annotations', '-n', src],
    ...['--log-format', 'json', '--metrics-bind-address', `127.0.0.1:${port}`],
  ]);
  await until('the first pass', async () => ((await metricOf(port, 'configsync_reconcile_duration_seconds_count')) ?? 0) > 0);
});

afterAll(async () => {
  await controller?.stop();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('controller run --from-annotations with kubed.appscode.com/sync-contexts', () => {
  it('creates copies in the other cluster when the namespace appears there, carries source changes, prunes when the annotation goes', async () => {
    const running = controller!;
    // The source's namespace does not exist in beta yet: nothing to copy into (the first pass is done).
    expect(await copy('configmap', 'shared')).toBeUndefined();

    // A namespace created in beta gets the copies (the controller watches beta's namespaces).
    const namespaceCreatedAt = Date.now();
    await kubectl(['--context', 'beta', 'create', 'namespace', src]);
    await until('configmap copy in beta', async () => (await copy('configmap', 'shared'))?.greeting === 'v1');
    await until('secret copy in beta', async () => (await copy('secret', 'creds'))?.password === 's1');

    // A source change reaches beta.
    await kubectl(['--context', 'alpha', '-n', src, 'patch', 'configmap', 'shared', '--type=merge', '-p', '{"data":{"greeting":"v2"}}']);
    await until('v2 in beta', async () => (await copy('configmap', 'shared'))?.greeting === 'v2');

    // A copy deleted in beta is written again (the controller watches the copies there).
    await kubectl(['--context', 'beta', '-n', src, 'delete', 'configmap', 'shared']);
    await until('copy restored in beta', async () => (await copy('configmap', 'shared'))?.greeting === 'v2');

    // The annotation removed: the copy in beta is pruned; the other source's copy stays.
    await kubectl(['--context', 'alpha', '-n', src, 'annotate', 'configmap', 'shared', 'kubed.appscode.com/sync-contexts-']);
    await until('configmap copy pruned in beta', async () => (await copy('configmap', 'shared')) === undefined);
    expect((await copy('secret', 'creds'))?.password).toBe('s1');

    // The source deleted: its copy in beta is pruned too.
    await kubectl(['--context', 'alpha', '-n', src, 'delete', 'secret', 'creds']);
    await until('secret copy pruned in beta', async () => (await copy('secret', 'creds')) === undefined);

    // Nothing else in beta was touched, and every action succeeded, through beta's context.
    const actions = logLines(running).filter((l) => l.action);
    // The only failures: beta's namespace missing, before it was created (reported once per source, as fanout reports a missing target).
    const failures = actions.filter((l) => l.outcome === 'failed');
    expect(failures.map((l) => `${l.context} ${l.source} ${l.message}`).sort()).toEqual([
      `beta configmap/shared namespace "${src}" not found`,
      `beta secret/creds namespace "${src}" not found`,
    ]);
    expect(failures.every((l) => Date.parse(l.ts) < namespaceCreatedAt)).toBe(true);
    const inBeta = actions.filter((l) => l.context === 'beta').map((l) => `${l.action} ${l.source} ${l.namespace}`);
    expect(inBeta).toEqual(
      expect.arrayContaining([
        `create configmap/shared ${src}`,
        `create secret/creds ${src}`,
        `update configmap/shared ${src}`,
        `prune configmap/shared ${src}`,
        `prune secret/creds ${src}`,
      ]),
    );
    expect(actions.every((l) => l.namespace === src)).toBe(true);
    // The source itself is never touched.
    expect((await kubectlJson(['--context', 'alpha', '-n', src, 'get', 'configmap', 'shared'])).data.greeting).toBe('v2');
  });
});
