import type {ChildProcess} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {freePort, startController, until as eventually} from './controller-support.js';
import {configMap, createNamespaces, kubectl, kubectlJson, runCli, uniqueName, apply} from './support.js';

// Replicas of `controller run` as local processes (the test bed has no kubelet), authenticated
// with a token of the ServiceAccount the generated manifests create: what they can do is what
// the manifests' RBAC grants. Short lease timings keep the test fast.
const LEASE = {duration: 4_000, renewDeadline: 3_000, retry: 1_000};
const name = uniqueName('ctl');
const controllerNs = uniqueName('ctl-home');
const src = uniqueName('ctl-src');
const [a1, a2, a3, other, quota] = ['ctl-a1', 'ctl-a2', 'ctl-a3', 'ctl-other', 'ctl-quota'].map(uniqueName);
const selectorLabel = `configsync-e2e-${name}`;

let tokenKubeconfig = '';
let manifests = '';
const cleanups: Array<() => Promise<void>> = [];
const replicas: Replica[] = [];

interface Replica {
  id: string;
  child: ChildProcess;
  port: number;
  log: () => string;
  exited: Promise<number | null>;
}

async function startReplica(id: string): Promise<Replica> {
  const port = await freePort();
  const controller = startController([
    '--kubeconfig',
    tokenKubeconfig,
    '--from-annotations',
    '-n',
    src,
    '--leader-elect',
    '--lease-name',
    name,
    '--lease-namespace',
    controllerNs,
    '--lease-duration',
    `${LEASE.duration / 1000}s`,
    '--renew-deadline',
    `${LEASE.renewDeadline / 1000}s`,
    '--retry-period',
    `${LEASE.retry / 1000}s`,
    '--identity',
    id,
    '--metrics-bind-address',
    `127.0.0.1:${port}`,
    '--log-format',
    'json',
  ]);
  const replica = {id, child: controller.child, port, log: controller.log, exited: controller.exited};
  replicas.push(replica);
  return replica;
}

async function stopAll(): Promise<void> {
  for (const replica of replicas.splice(0)) {
    if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGKILL');
    await replica.exited;
  }
}

async function holder(): Promise<string | undefined> {
  const lease = await kubectlJson(['--context', 'alpha', '-n', controllerNs, 'get', 'lease', name]).catch(() => undefined);
  return lease?.spec?.holderIdentity;
}

async function copyData(namespace: string): Promise<Record<string, string> | undefined> {
  const cm = await kubectlJson(['--context', 'alpha', '-n', namespace, 'get', 'configmap', 'shared']).catch(() => undefined);
  return cm?.data;
}

async function get(replica: Replica, path: string): Promise<{status: number; text: string}> {
  // A kept-alive connection the server just closed fails once: ask again.
  const ask = async () => {
    const response = await fetch(`http://127.0.0.1:${replica.port}${path}`);
    return {status: response.status, text: await response.text()};
  };
  return ask().catch(ask);
}

/** When a replica logged that it acquired the Lease. */
function acquiredAt(replica: Replica): number {
  const line = replica
    .log()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as {ts: string; msg: string})
    .find((l) => l.msg.startsWith('acquired lease'));
  if (!line) throw new Error(`${replica.id} never logged that it acquired the Lease`);
  return Date.parse(line.ts);
}

function metric(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', controllerNs, src, a1, a2, a3, other, quota));
  for (const ns of [a1, a2, a3]) await kubectl(['--context', 'alpha', 'label', 'namespace', ns, `${selectorLabel}=yes`]);
  const generated = await runCli(['controller', 'manifests', '-n', controllerNs, '--from-annotations', '--name', name]);
  expect(generated.stderr).toBe('');
  expect(generated.code).toBe(0);
  manifests = generated.stdout;
  cleanups.push(async () => {
    await kubectl(['--context', 'alpha', 'delete', 'clusterrole,clusterrolebinding', name, '--ignore-not-found']).catch(() => undefined);
  });
  // The install, exactly as users apply it (the Deployment's pods stay pending: no kubelet).
  await kubectl(['--context', 'alpha', 'apply', '-f', '-'], manifests);
  const token = (await kubectl(['--context', 'alpha', '-n', controllerNs, 'create', 'token', name, '--duration', '1h'])).trim();
  const admin = await kubectlJson(['--context', 'alpha', 'config', 'view', '--raw', '--minify']);
  const cluster = admin.clusters[0];
  const dir = mkdtempSync(join(tmpdir(), 'configsync-controller-'));
  tokenKubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    tokenKubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{name: 'alpha', cluster: cluster.cluster}],
      users: [{name: 'controller', user: {token}}],
      contexts: [{name: 'alpha', context: {cluster: 'alpha', user: 'controller'}}],
      'current-context': 'alpha',
    }),
    {mode: 0o600},
  );
  // Admission refuses ConfigMaps in the `quota` namespace: a copy that fails.
  cleanups.push(async () => {
    await kubectl([
      '--context',
      'alpha',
      'delete',
      'validatingadmissionpolicybinding,validatingadmissionpolicy',
      name,
      '--ignore-not-found',
    ]).catch(() => undefined);
  });
  await apply(
    'alpha',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          metadata: {name},
          spec: {
            failurePolicy: 'Fail',
            matchConstraints: {resourceRules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps']}]},
            validations: [{expression: 'false', message: 'no ConfigMaps here'}],
          },
        },
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          metadata: {name},
          spec: {
            policyName: name,
            validationActions: ['Deny'],
            matchResources: {namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': quota}}},
          },
        },
      ],
    }),
  );
  const source = JSON.parse(configMap(src, 'shared', {greeting: 'v1'}));
  source.metadata.annotations = {'kubed.appscode.com/sync': `${selectorLabel}=yes`};
  await apply('alpha', JSON.stringify(source));
});

afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await stopAll();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('controller manifests', () => {
  it('pass kubectl apply --dry-run=server', async () => {
    const result = await kubectl(['--context', 'alpha', 'apply', '--dry-run=server', '-f', '-'], manifests);
    for (const kind of ['serviceaccount', 'clusterrole', 'clusterrolebinding', 'role', 'rolebinding', 'deployment', 'service'])
      expect(result).toMatch(new RegExp(`^${kind}[./].*${name}.*\\(server dry run\\)$`, 'm'));
    const deployment = await kubectlJson(['--context', 'alpha', '-n', controllerNs, 'get', 'deployment', name]);
    expect(deployment.spec.replicas).toBe(2);
  });
});

describe('controller run', () => {
  it('elects one leader of two replicas; Kubed-annotated sources reach the labelled namespaces; /metrics shows the figures', async () => {
    const first = await startReplica('replica-1');
    await eventually('replica-1 leads', async () => (await holder()) === 'replica-1');
    const second = await startReplica('replica-2');
    for (const ns of [a1, a2, a3]) await eventually(`copy in ${ns}`, async () => (await copyData(ns))?.greeting === 'v1');
    expect(await copyData(other)).toBeUndefined();
    await eventually('replica-2 stands by', async () => (await get(second, '/readyz')).status === 200);
    // Still one holder after a few renewals.
    await new Promise((r) => setTimeout(r, LEASE.duration));
    expect(await holder()).toBe('replica-1');

    const leader = (await get(first, '/metrics')).text;
    const standby = (await get(second, '/metrics')).text;
    expect(metric(leader, 'configsync_leader')).toBe(1);
    expect(metric(standby, 'configsync_leader')).toBe(0);
    expect(metric(leader, 'configsync_copies{state="in_sync"}')).toBe(3);
    for (const state of ['stale', 'failed', 'orphaned']) expect(metric(leader, `configsync_copies{state="${state}"}`)).toBe(0);
    expect(metric(leader, 'configsync_reconcile_errors_total')).toBe(0);
    expect(metric(leader, 'configsync_reconcile_duration_seconds_count')).toBeGreaterThan(0);
    expect(metric(leader, 'configsync_api_requests_total{verb="GET",code="200"}')).toBeGreaterThan(0);
    expect(metric(leader, 'configsync_api_requests_total{verb="POST",code="201"}')).toBeGreaterThanOrEqual(3);
    expect(metric(leader, 'configsync_api_requests_total{verb="PUT",code="200"}')).toBeGreaterThan(0);
    expect(metric(standby, 'configsync_reconcile_duration_seconds_count')).toBe(0);
    expect((await get(first, '/healthz')).status).toBe(200);
    expect((await get(first, '/readyz')).status).toBe(200);
    // One JSON line per action, from the leader only.
    const creates = first
      .log()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.action === 'create');
    expect(creates.map((l) => l.namespace).sort()).toEqual([a1, a2, a3].sort());
    expect(creates.every((l) => l.outcome === 'done' && l.source === 'configmap/shared')).toBe(true);
    expect(second.log()).not.toMatch(/"action"/);

    // Kubed's semantics: a namespace that stops matching loses its copy; one that starts matching gets one.
    await kubectl(['--context', 'alpha', 'label', 'namespace', a3, `${selectorLabel}-`]);
    await kubectl(['--context', 'alpha', 'label', 'namespace', other, `${selectorLabel}=yes`]);
    await eventually('copy pruned where the label was removed', async () => (await copyData(a3)) === undefined);
    await eventually('copy created where the label was added', async () => (await copyData(other))?.greeting === 'v1');
    await kubectl(['--context', 'alpha', 'label', 'namespace', other, `${selectorLabel}-`]);
    await eventually('copy pruned again', async () => (await copyData(other)) === undefined);

    // A copy admission refuses (the policy made in beforeAll): counted as failed, one JSON error line, a Warning Event on the source.
    await kubectl(['--context', 'alpha', 'label', 'namespace', quota, `${selectorLabel}=yes`]);
    await eventually(
      'the failure is counted',
      async () => metric((await get(first, '/metrics')).text, 'configsync_copies{state="failed"}') === 1,
    );
    expect(metric((await get(first, '/metrics')).text, 'configsync_reconcile_errors_total')).toBeGreaterThan(0);
    const event = await eventually('a Warning Event on the source', async () => {
      const events = await kubectlJson([
        '--context',
        'alpha',
        '-n',
        src,
        'get',
        'events',
        '--field-selector',
        'involvedObject.name=shared',
      ]);
      return events.items.find((e: {reason: string}) => e.reason === 'CopyFailed');
    });
    expect(event).toMatchObject({type: 'Warning', involvedObject: {kind: 'ConfigMap', name: 'shared', namespace: src}});
    expect(event.message).toContain(quota);
    const failures = first
      .log()
      .split('\n')
      .filter((l) => l.includes('"outcome":"failed"'))
      .map((l) => JSON.parse(l));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({level: 'error', namespace: quota, action: 'create'});
  });

  it('after SIGKILL of the leader, the standby leads within the lease duration and a change made meanwhile reaches every copy', async () => {
    const first = await startReplica('replica-1');
    await eventually('replica-1 leads', async () => (await holder()) === 'replica-1');
    const second = await startReplica('replica-2');
    await eventually('replica-2 stands by', async () => (await get(second, '/readyz')).status === 200);
    // Let the leader renew once more, then kill it between renewals.
    await new Promise((r) => setTimeout(r, LEASE.retry * 1.5));
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    await kubectl(['--context', 'alpha', '-n', src, 'patch', 'configmap', 'shared', '--type=merge', '-p', '{"data":{"greeting":"v2"}}']);
    await eventually('replica-2 leads', async () => (await holder()) === 'replica-2', 30_000, 50);
    // Measured by the standby's own log line, not by how soon kubectl saw it.
    const failoverMs = acquiredAt(second) - killedAt;
    console.log(`failover after SIGKILL: ${failoverMs} ms (lease duration ${LEASE.duration} ms, retry period ${LEASE.retry} ms)`);
    // client-go's rule: the standby waits a lease duration from when it last saw the Lease change, and tries every retry period.
    // (the standby saw the last renewal up to one jittered retry period late, then tries once per jittered period: ×1.2; 500 ms for requests)
    expect(failoverMs).toBeLessThanOrEqual(LEASE.duration + 2 * 1.2 * LEASE.retry + 500);
    for (const ns of [a1, a2]) await eventually(`v2 in ${ns}`, async () => (await copyData(ns))?.greeting === 'v2');
    expect(metric((await get(second, '/metrics')).text, 'configsync_leader')).toBe(1);
    // The new leader wrote each copy once: no duplicate writes.
    const updates = second
      .log()
      .split('\n')
      .filter((l) => l.includes('"action":"update"'));
    expect(updates).toHaveLength(2);
  });

  it('on SIGTERM the leader releases the Lease, so a standby takes over at once', async () => {
    const first = await startReplica('replica-1');
    await eventually('replica-1 leads', async () => (await holder()) === 'replica-1');
    const second = await startReplica('replica-2');
    await eventually('replica-2 stands by', async () => (await get(second, '/readyz')).status === 200);
    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.log()).toMatch(/"msg":"released lease/);
    await eventually('replica-2 leads', async () => (await holder()) === 'replica-2', 30_000, 50);
    const takeoverMs = acquiredAt(second) - stoppedAt;
    console.log(`takeover after SIGTERM: ${takeoverMs} ms (retry period ${LEASE.retry} ms)`);
    expect(takeoverMs).toBeLessThan(LEASE.duration);
  });
});
