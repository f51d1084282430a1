import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, runCli, uniqueName} from './support.js';
import {cliRequests, container, list, restartedAt, workload} from './restart-support.js';

describe('restart in a namespace of 200 workloads', () => {
  const ns = uniqueName('rscale');
  let cleanup: () => Promise<void>;
  const consumers = ['app-007', 'app-050', 'app-123', 'app-199'];

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    const items: unknown[] = [JSON.parse(configMap(ns, 'shared', {LOG_LEVEL: 'info'}))];
    for (let i = 0; i < 200; i++) {
      const name = `app-${String(i).padStart(3, '0')}`;
      const reads = consumers.includes(name);
      // Everyone else reads some other ConfigMap, so the detection has to look at every template.
      const env = [{name: 'LOG_LEVEL', valueFrom: {configMapKeyRef: {name: reads ? 'shared' : `own-${name}`, key: 'LOG_LEVEL'}}}];
      items.push(workload('Deployment', ns, name, {containers: [container('web', {env})]}));
    }
    await apply('alpha', list(items));
  }, 300_000);

  afterAll(async () => cleanup?.());

  it('makes at most 3 LISTs, no GET per workload, and one PATCH per consumer', async () => {
    const result = await runCli(['restart', 'configmap/shared', '--context', 'alpha', '-n', ns, '--yes', '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.workloadsScanned).toBe(200);
    expect(report.workloads.map((w: any) => [w.name, w.status])).toEqual(consumers.map((n) => [n, 'restarted']));

    const requests = await cliRequests(ns);
    const byVerb = (verb: string) => requests.filter((e) => e.verb === verb);
    expect(
      byVerb('list')
        .map((e) => e.objectRef?.resource)
        .sort(),
    ).toEqual(['daemonsets', 'deployments', 'statefulsets']);
    expect(byVerb('get')).toEqual([]);
    expect(
      byVerb('patch')
        .map((e) => e.objectRef?.name)
        .sort(),
    ).toEqual(consumers);
    expect(requests).toHaveLength(3 + consumers.length);
    for (const name of consumers) expect(await restartedAt('Deployment', ns, name)).toBeDefined();
    expect(await restartedAt('Deployment', ns, 'app-008')).toBeUndefined();
  });
});
