import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectlJson, runCli, uniqueName} from './support.js';
import {expectJsonOutput} from '../support/schemas.js';
import {cliRequests, container, list, restartedAt, workload} from './restart-support.js';

describe('sync --restart --dry-run=client', () => {
  const source = uniqueName('rprev-src');
  const target = uniqueName('rprev-dst');
  const work = mkdtempSync(join(tmpdir(), 'configsync-restart-preview-'));
  const env = {XDG_STATE_HOME: join(work, 'state')};
  let cleanup: () => Promise<void>;
  const reads = (key: string) => ({containers: [container('web', {env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'app', key}}}]})]});
  const writes = async () => (await cliRequests(target)).filter((e) => !['get', 'list', 'watch'].includes(e.verb));

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', source, target);
    await apply('alpha', configMap(source, 'app', {a: '1', b: 'new'}));
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(target, 'app', {a: '1', b: 'old'})),
        workload('Deployment', target, 'reads-a', reads('a')),
        workload('Deployment', target, 'reads-b', reads('b')),
        // A volume mount without subPath: the kubelet refreshes the files, no restart needed.
        workload('Deployment', target, 'mounts-app', {
          volumes: [{name: 'conf', configMap: {name: 'app'}}],
          containers: [container('web', {volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]})],
        }),
      ]),
    );
  });

  afterAll(async () => {
    await cleanup?.();
    rmSync(work, {recursive: true, force: true});
  });

  it('shows the workloads that would restart, after the plan, and writes nothing', async () => {
    // At the 80 columns of a pipe: the reason goes under its row.
    const table = await runCli(['sync', `alpha/${source}`, `alpha/${target}`, '--all', '--restart', '--dry-run=client', '--no-color'], {
      env: {...env, COLUMNS: undefined},
    });
    expect(table.code, table.stderr).toBe(0);
    const restartPart = table.stdout.slice(table.stdout.indexOf('Consumers of'));
    expect(table.stdout.indexOf('Consumers of')).toBeGreaterThan(0);
    expect(restartPart).toContain('(dry run: client, nothing written)');
    expect(restartPart).toMatch(/deployment\/reads-b\s+would restart/i);
    expect(restartPart).not.toContain('reads-a');
    // The same rule as restart: a consumer that needs no restart is not listed as "would restart".
    expect(restartPart).toMatch(
      /deployment\/mounts-app +no restart needed +- +web: configmap\/app volume\s+"conf" at \/etc\/app\n {2}↳ only mounted as a volume without subPath: the kubelet refreshes the files\n/,
    );
    expect(restartPart).not.toMatch(/mounts-app\s+would restart/);
    expect(restartPart).toMatch(/would restart 1 · no restart needed 1 ·\s+skipped 0/);

    const json = await runCli(['sync', `alpha/${source}`, `alpha/${target}`, '--all', '--restart', '--dry-run=client', '-o', 'json'], {
      env,
    });
    expect(json.code, json.stderr).toBe(0);
    const plan = expectJsonOutput<any>('sync-plan', json.stdout);
    expect(plan.kind).toBe('SyncPlan');
    expect(plan.restart).toMatchObject({
      kind: 'RestartReport',
      dryRun: 'client',
      namespace: target,
      targets: [{kind: 'ConfigMap', name: 'app', keys: ['b']}],
    });
    expect(plan.restart.workloads.map((w: any) => [w.name, w.status])).toEqual([
      ['mounts-app', 'skipped'],
      ['reads-b', 'would-restart'],
    ]);

    expect(await writes()).toEqual([]);
    expect(await restartedAt('Deployment', target, 'reads-b')).toBeUndefined();
    expect((await kubectlJson(['--context', 'alpha', '-n', target, 'get', 'configmap', 'app'])).data).toEqual({a: '1', b: 'old'});

    // The previewed plan is still a saved plan: applying it restarts exactly what the preview listed.
    const file = join(work, 'plan.json');
    writeFileSync(file, json.stdout);
    const applied = await runCli(['sync', '--plan', file, '--yes', '--restart', '-o', 'json'], {env});
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).restart.workloads.map((w: any) => [w.name, w.status])).toEqual([
      ['mounts-app', 'skipped'],
      ['reads-b', 'restarted'],
    ]);
    expect(await restartedAt('Deployment', target, 'reads-a')).toBeUndefined();
    expect(await restartedAt('Deployment', target, 'mounts-app')).toBeUndefined();
  });

  it('with nothing to write, says no workload needs a restart and lists none', async () => {
    const result = await runCli(['sync', `alpha/${source}`, `alpha/${target}`, '--all', '--restart', '--dry-run=client'], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Restart: no key changed in alpha/${target}, so no workload needs a restart`);
  });
});
