import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, runCli, uniqueName} from './support.js';
import {cliRequests, container, list, restartedAt, workload, type Kind} from './restart-support.js';

const reader = {containers: [container('web', {envFrom: [{configMapRef: {name: 'app'}}]})]};

function labelled(kind: Kind, namespace: string, name: string, labels: Record<string, string>): Record<string, unknown> {
  const manifest = workload(kind, namespace, name, reader);
  return {...manifest, metadata: {...(manifest.metadata as object), labels}};
}

describe('restart -l/--selector', () => {
  const ns = uniqueName('rsel');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(ns, 'app', {a: '1'})),
        labelled('Deployment', ns, 'web-api', {tier: 'web'}),
        labelled('StatefulSet', ns, 'web-cache', {tier: 'web'}),
        labelled('Deployment', ns, 'batch', {tier: 'batch'}),
        labelled('DaemonSet', ns, 'agent', {}),
      ]),
    );
  });

  afterAll(async () => cleanup?.());

  it('considers only the workloads the API server matches: three LISTs carrying the selector, no GET', async () => {
    const result = await runCli(['restart', 'configmap/app', '-l', 'tier=web', '--context', 'alpha', '-n', ns, '--yes', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.selector).toBe('tier=web');
    expect(report.workloadsScanned).toBe(2);
    expect(report.workloads.map((w: any) => [w.kind, w.name, w.status])).toEqual([
      ['Deployment', 'web-api', 'restarted'],
      ['StatefulSet', 'web-cache', 'restarted'],
    ]);
    expect(await restartedAt('Deployment', ns, 'web-api')).toBeDefined();
    expect(await restartedAt('StatefulSet', ns, 'web-cache')).toBeDefined();
    expect(await restartedAt('Deployment', ns, 'batch')).toBeUndefined();
    expect(await restartedAt('DaemonSet', ns, 'agent')).toBeUndefined();
    const requests = (await cliRequests(ns)) as Array<{verb: string; requestURI?: string; objectRef?: {resource?: string}}>;
    const lists = requests.filter((e) => e.verb === 'list');
    expect(lists.map((e) => e.objectRef?.resource).sort()).toEqual(['daemonsets', 'deployments', 'statefulsets']);
    for (const e of lists) expect(decodeURIComponent(e.requestURI ?? '')).toContain('labelSelector=tier=web');
    expect(requests.filter((e) => e.verb === 'get')).toEqual([]);
  });

  it('set-based selectors and the table say what was considered', async () => {
    const result = await runCli([
      'restart',
      'configmap/app',
      '-l',
      'tier in (web,batch),tier!=web',
      '--context',
      'alpha',
      '-n',
      ns,
      '--dry-run=client',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Consumers of configmap/app in alpha/${ns} among workloads matching tier in (web,batch),tier!=web (dry run: client, nothing written)`,
    );
    expect(result.stdout).toMatch(/deployment\/batch\s+would restart/);
    expect(result.stdout).toContain('Summary: 1 consumer of 1 workload');
  });

  it('a selector nothing matches restarts nothing and says so', async () => {
    const result = await runCli(['restart', 'configmap/app', '-l', 'tier=db', '--context', 'alpha', '-n', ns, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no Deployment, StatefulSet or DaemonSet reads it (0 workloads matching tier=db scanned)');
  });

  it('a malformed selector is a usage error before any request', async () => {
    const before = (await cliRequests(ns)).length;
    const result = await runCli(['restart', 'configmap/app', '-l', 'tier in web', '--context', 'alpha', '-n', ns, '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: invalid label selector "tier in web": /)]);
    expect((await cliRequests(ns)).length).toBe(before);
  });
});
