import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, runCli, uniqueName} from './support.js';
import {cliRequests, container, list, restartedAt, waitForRevisions, workload} from './restart-support.js';

describe('sync --restart', () => {
  const source = uniqueName('rsync-src');
  const target = uniqueName('rsync-dst');
  let cleanup: () => Promise<void>;
  const reads = (key: string) => ({containers: [container('web', {env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'app', key}}}]})]});

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', source, target);
    await apply('alpha', configMap(source, 'app', {a: '1', b: 'new'}));
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(target, 'app', {a: '1', b: 'old'})),
        workload('Deployment', target, 'reads-a', reads('a')),
        workload('Deployment', target, 'reads-b', reads('b')),
        workload('Deployment', source, 'source-reader', reads('b')),
      ]),
    );
    for (const name of ['reads-a', 'reads-b']) await waitForRevisions('Deployment', target, name, 1);
  });

  afterAll(async () => cleanup?.());

  it('restarts only the target workloads that read a key the sync changed, after writing', async () => {
    const result = await runCli(['sync', `alpha/${source}`, `alpha/${target}`, '--all', '--yes', '--restart', '-o', 'json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.objects.map((o: any) => [o.name, o.outcome, o.changedKeys])).toEqual([['app', 'written', ['b']]]);
    expect(output.restart).toMatchObject({
      kind: 'RestartReport',
      namespace: target,
      targets: [{kind: 'ConfigMap', name: 'app', keys: ['b']}],
    });
    expect(output.restart.workloads.map((w: any) => [w.name, w.status])).toEqual([['reads-b', 'restarted']]);
    expect(await restartedAt('Deployment', target, 'reads-b')).toBeDefined();
    expect(await waitForRevisions('Deployment', target, 'reads-b', 2)).toBe(2);
    expect(await restartedAt('Deployment', target, 'reads-a')).toBeUndefined();
    expect(await restartedAt('Deployment', source, 'source-reader')).toBeUndefined();
    // The ConfigMap was written before any workload was patched.
    const writes = (await cliRequests(target)).filter((e) => e.verb === 'update' || e.verb === 'patch');
    expect(writes.map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`)).toEqual([
      'patch configmaps/app',
      'patch deployments/reads-b',
    ]);
  });

  it('a second run changes nothing, so it restarts nothing and lists no workload', async () => {
    const before = await restartedAt('Deployment', target, 'reads-b');
    const lists = (await cliRequests(target)).filter((e) => e.verb === 'list' && e.objectRef?.resource === 'deployments').length;
    const result = await runCli(['sync', `alpha/${source}`, `alpha/${target}`, '--all', '--yes', '--restart']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('nothing to sync');
    expect(result.stdout).toContain(`Restart: no key changed in alpha/${target}, so no workload needs a restart`);
    expect(await restartedAt('Deployment', target, 'reads-b')).toBe(before);
    expect((await cliRequests(target)).filter((e) => e.verb === 'list' && e.objectRef?.resource === 'deployments')).toHaveLength(lists);
  });
});
