import {cliAuditEvents, type AuditEvent} from './audit.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, runCli, uniqueName} from './support.js';
import {cliRequests, container, list, restartedAt, workload, type Kind} from './restart-support.js';

/** Cluster-wide requests of our CLI whose URI mentions `marker` (cliRequests only sees namespaced ones). */
/** Our cluster-wide requests (no namespace) carrying the marker, all of them (see audit.ts). */
async function clusterWideRequests(marker: string): Promise<AuditEvent[]> {
  return (await cliAuditEvents('alpha')).filter((e) => !e.objectRef?.namespace && e.requestURI.includes(marker));
}

describe('restart -A/--all-namespaces', () => {
  const one = uniqueName('rall');
  const two = uniqueName('rall');
  // Unique object and label, so other suites' workloads on the shared cluster never match.
  const cm = uniqueName('cfg');
  const suite = uniqueName('suite');
  let cleanup: () => Promise<void>;

  const reading = (kind: Kind, namespace: string, name: string, object: string) => {
    const manifest = workload(kind, namespace, name, {containers: [container('app', {envFrom: [{configMapRef: {name: object}}]})]});
    return {...manifest, metadata: {...(manifest.metadata as object), labels: {suite}}};
  };

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', one, two);
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(one, cm, {a: '1'})),
        JSON.parse(configMap(two, cm, {a: '1'})),
        reading('Deployment', one, 'api', cm),
        reading('StatefulSet', two, 'db', cm),
        reading('Deployment', two, 'other', 'something-else'),
      ]),
    );
  });

  afterAll(async () => cleanup?.());

  it("--dry-run=client shows each namespace's readers with a NAMESPACE column", async () => {
    const result = await runCli(['restart', `configmap/${cm}`, '-A', '-l', `suite=${suite}`, '--context', 'alpha', '--dry-run=client']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Consumers of configmap/${cm} in alpha (all namespaces) among workloads matching suite=${suite}`);
    expect(result.stdout).toMatch(/^NAMESPACE\s+WORKLOAD\s+STATUS/m);
    expect(result.stdout).toMatch(new RegExp(`^${one}\\s+deployment/api\\s+would restart`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^${two}\\s+statefulset/db\\s+would restart`, 'm'));
    expect(result.stdout).toContain('Summary: 2 consumers of 3 workloads');
  });

  it("restarts every namespace's readers with three cluster-wide LISTs and one patch each", async () => {
    const result = await runCli(['restart', `configmap/${cm}`, '-A', '-l', `suite=${suite}`, '--context', 'alpha', '--yes', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.allNamespaces).toBe(true);
    expect(report.namespace).toBeUndefined();
    // Namespace names are random, so their order is too: compare sorted.
    const byNamespace = (a: string[], b: string[]) => a[0].localeCompare(b[0]);
    expect(report.workloads.map((w: any) => [w.namespace, w.kind, w.name, w.status]).sort(byNamespace)).toEqual(
      [
        [one, 'Deployment', 'api', 'restarted'],
        [two, 'StatefulSet', 'db', 'restarted'],
      ].sort(byNamespace),
    );
    expect(await restartedAt('Deployment', one, 'api')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await restartedAt('StatefulSet', two, 'db')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await restartedAt('Deployment', two, 'other')).toBeUndefined();
    const lists = (await clusterWideRequests(suite)).filter((e) => e.verb === 'list');
    // The dry run above listed too: 3 LISTs per run, each across all namespaces.
    expect(lists.map((e) => e.objectRef?.resource).sort()).toEqual([
      'daemonsets',
      'daemonsets',
      'deployments',
      'deployments',
      'statefulsets',
      'statefulsets',
    ]);
    expect(lists.every((e) => e.requestURI.startsWith('/apis/apps/v1/') && !e.requestURI.includes('/namespaces/'))).toBe(true);
    expect([...(await cliRequests(one)), ...(await cliRequests(two))].map((e) => `${e.verb} ${e.objectRef?.name}`).sort()).toEqual([
      'patch api',
      'patch db',
    ]);
  });

  it('-A with -n is a usage error', async () => {
    const result = await runCli(['restart', `configmap/${cm}`, '-A', '-n', one, '--context', 'alpha', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--all-namespaces|--namespace/);
  });
});
