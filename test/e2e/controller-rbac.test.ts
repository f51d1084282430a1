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
import {apply, configMap, createNamespaces, kubectl, runCli, runProcess, secret, uniqueName} from './support.js';

// Narrowed RBAC: `controller manifests --source-namespace --target-namespaces` grants ConfigMaps and
// Secrets by Roles, read where the sources live and written where the copies go. The controller
// runs with exactly the generated arguments and a token of the generated ServiceAccount.
const name = uniqueName('ctl-rbac');
const [home, src, t1, t2, out] = ['ctl-rb-home', 'ctl-rb-src', 'ctl-rb-t1', 'ctl-rb-t2', 'ctl-rb-out'].map(uniqueName);
const cleanups: Array<() => Promise<void>> = [];
const controllers: ControllerProcess[] = [];
let manifests: {
  items: Array<{kind: string; metadata: {name: string; namespace?: string}; rules?: Array<{resources: string[]; verbs: string[]}>}>;
};
let tokens = '';

/** kubectl as the controller's ServiceAccount. */
function asController(args: string[]) {
  return runProcess('/usr/bin/kubectl', ['--kubeconfig', tokens, '--context', 'alpha', ...args]);
}

async function data(namespace: string, kind: 'configmap' | 'secret', objectName: string): Promise<Record<string, string> | undefined> {
  const text = await kubectl(['--context', 'alpha', '-n', namespace, 'get', kind, objectName, '-o', 'json', '--ignore-not-found']);
  if (!text.trim()) return undefined;
  const object = JSON.parse(text) as {data?: Record<string, string>};
  const values = object.data ?? {};
  return kind === 'secret' ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) : values;
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', home, src, t1, t2, out));
  cleanups.push(async () => {
    await kubectl(['--context', 'alpha', 'delete', 'clusterrole,clusterrolebinding', name, '--ignore-not-found']).catch(() => undefined);
  });
  const args = ['controller', 'manifests', '-n', home, '--name', name, '--source-namespace', src, '--target-namespaces', `${t1},${t2}`];
  const json = await runCli([...args, '-o', 'json', '--', 'configmap/shared', 'secret/creds']);
  expect(json.stderr).toBe('');
  expect(json.code).toBe(0);
  manifests = JSON.parse(json.stdout);
  const yaml = await runCli([...args, '--', 'configmap/shared', 'secret/creds']);
  expect(yaml.code).toBe(0);
  // The server validates every object (RBAC included) without persisting it, then the install as users apply it.
  const dryRun = await kubectl(['--context', 'alpha', 'apply', '--dry-run=server', '-f', '-'], yaml.stdout);
  for (const kind of ['serviceaccount', 'clusterrole', 'clusterrolebinding', 'role', 'rolebinding', 'deployment', 'service'])
    expect(dryRun).toMatch(new RegExp(`^${kind}[./].*${name}.*\\(server dry run\\)$`, 'm'));
  await kubectl(['--context', 'alpha', 'apply', '-f', '-'], yaml.stdout);
  tokens = await serviceAccountKubeconfig(name, home, ['alpha']);
  await apply(
    'alpha',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [JSON.parse(configMap(src, 'shared', {greeting: 'v1'})), JSON.parse(secret(src, 'creds', {password: 's1'}))],
    }),
  );
});

afterAll(async () => {
  for (const controller of controllers) await controller.stop();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('controller manifests --source-namespace --target-namespaces', () => {
  it('grant ConfigMaps and Secrets by Roles only: read in the source namespace, written in the targets', () => {
    const clusterRole = manifests.items.find((o) => o.kind === 'ClusterRole')!;
    expect(clusterRole.rules!.flatMap((r) => r.resources).sort()).toEqual(['namespaces', 'selfsubjectaccessreviews']);
    type Rule = {resources: string[]; verbs: string[]};
    const roles: Record<string, Rule[]> = Object.fromEntries(
      manifests.items.filter((o) => o.kind === 'Role' && o.metadata.name !== name).map((o) => [o.metadata.namespace, o.rules ?? []]),
    );
    expect(Object.keys(roles).sort()).toEqual([src, t1, t2].sort());
    const verbsOn = (namespace: string, resource: string) =>
      roles[namespace]
        .filter((r) => r.resources.includes(resource))
        .flatMap((r) => r.verbs)
        .sort();
    for (const resource of ['configmaps', 'secrets']) {
      expect(verbsOn(src, resource)).toEqual(['get', 'list', 'watch']);
      for (const target of [t1, t2]) expect(verbsOn(target, resource)).toEqual(['create', 'delete', 'get', 'list', 'patch', 'watch']);
    }
    expect(verbsOn(src, 'events')).toEqual(['create', 'patch']);
  });

  it('refuse --from-annotations and target flags after -- (exit 2): the scope is set by the flags', async () => {
    const base = ['controller', 'manifests', '-n', home, '--source-namespace', src, '--target-namespaces', t1];
    const annotations = await runCli([...base, '--from-annotations']);
    expect(annotations.code).toBe(2);
    expect(annotations.stderr).toMatch(/^error: --from-annotations needs cluster-wide RBAC/);
    const clash = await runCli([...base, '--', 'secret/creds', '-A']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/^error: -A after --/);
  });
});

describe('controller run with the narrowed ServiceAccount', () => {
  it('keeps the copies in the target namespaces in sync, and is refused outside its scope', async () => {
    const deployment = manifests.items.find((o) => o.kind === 'Deployment') as unknown as {
      spec: {template: {spec: {containers: Array<{args: string[]}>}}};
    };
    const generated = deployment.spec.template.spec.containers[0].args;
    expect(generated.slice(0, 2)).toEqual(['controller', 'run']);
    const port = await freePort();
    // The generated arguments as they are, but the metrics on a free local port, and the Lease in the
    // controller's namespace (in a pod, the service account's namespace).
    const runArgs = generated
      .slice(2)
      .map((a) => (a.startsWith('--metrics-bind-address=') ? `--metrics-bind-address=127.0.0.1:${port}` : a));
    const controller = startController([
      ...runArgs,
      '--kubeconfig',
      tokens,
      '--lease-namespace',
      home,
      '--lease-duration',
      '4s',
      '--renew-deadline',
      '3s',
      '--retry-period',
      '1s',
    ]);
    controllers.push(controller);
    for (const target of [t1, t2]) {
      await until(`configmap copy in ${target}`, async () => (await data(target, 'configmap', 'shared'))?.greeting === 'v1');
      await until(`secret copy in ${target}`, async () => (await data(target, 'secret', 'creds'))?.password === 's1');
    }
    expect(await data(out, 'configmap', 'shared')).toBeUndefined();
    expect(await data(out, 'secret', 'creds')).toBeUndefined();

    // Watches within the Roles: a source change and a deleted copy are seen without a resync.
    await kubectl(['--context', 'alpha', '-n', src, 'patch', 'secret', 'creds', '--type=merge', '-p', '{"stringData":{"password":"s2"}}']);
    for (const target of [t1, t2]) await until(`s2 in ${target}`, async () => (await data(target, 'secret', 'creds'))?.password === 's2');
    await kubectl(['--context', 'alpha', '-n', t1, 'delete', 'configmap', 'shared']);
    await until('copy restored', async () => (await data(t1, 'configmap', 'shared'))?.greeting === 'v1');
    expect(await metricOf(port, 'configsync_copies{state="in_sync"}')).toBe(4);
    expect(await metricOf(port, 'configsync_copies{state="failed"}')).toBe(0);
    // No request of the run was refused: no failed action, no watch or read forbidden.
    expect(logLines(controller).filter((l) => l.outcome === 'failed' || l.level === 'error')).toEqual([]);
    expect(controller.log()).not.toMatch(/forbidden/i);

    // The token is refused outside the scope: no Secret read elsewhere, no write in the source namespace, nothing cluster-wide.
    for (const refused of [
      ['-n', out, 'get', 'secrets'],
      ['get', 'secrets', '-A'],
      ['-n', out, 'create', 'configmap', 'probe', '--from-literal=a=b'],
      ['-n', src, 'create', 'configmap', 'probe', '--from-literal=a=b'],
      ['-n', src, 'delete', 'secret', 'creds'],
    ]) {
      const result = await asController(refused);
      expect(result.code, refused.join(' ')).not.toBe(0);
      expect(result.stderr).toMatch(/forbidden/i);
    }
    expect((await asController(['-n', src, 'get', 'secret', 'creds', '-o', 'name'])).stdout.trim()).toBe('secret/creds');

    // The controller itself, asked for a copy outside its scope, is refused by the API server and writes nothing there.
    const outside = startController(['secret/creds', '-n', src, '--to-namespace', out, '--kubeconfig', tokens, '--log-format', 'json']);
    controllers.push(outside);
    const failure = await until('the refused copy is reported', async () =>
      logLines(outside).find((l) => l.outcome === 'failed' && l.namespace === out),
    );
    // Refused by the access review before writing (the API server's answer for this token), so no write was even tried.
    expect(failure).toMatchObject({action: 'error', source: 'secret/creds', level: 'error'});
    expect(failure.message).toBe(
      `forbidden: you may not create secrets in namespace "${out}" (access review before writing; planned: create)`,
    );
    expect(await outside.stop()).toBe(0);
    expect(await data(out, 'secret', 'creds')).toBeUndefined();
  });
});
