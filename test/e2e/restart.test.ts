import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, runCli, secret, uniqueName} from './support.js';
import {expectJsonOutput} from '../support/schemas.js';
import {cliRequests, container, list, runMarkingPodsReady, restartedAt, revisions, waitForRevisions, workload} from './restart-support.js';

const envA = {name: 'A', valueFrom: {configMapKeyRef: {name: 'app', key: 'a'}}};
const envB = {name: 'B', valueFrom: {configMapKeyRef: {name: 'app', key: 'b'}}};

describe('restart: finding consumers and restarting them', () => {
  const ns = uniqueName('restart');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    await apply('alpha', list([JSON.parse(configMap(ns, 'app', {a: '1', b: '2'})), JSON.parse(secret(ns, 'creds', {password: 'p'}))]));
    await apply(
      'alpha',
      list([
        workload('Deployment', ns, 'env-a', {containers: [container('web', {env: [envA]})]}),
        workload('Deployment', ns, 'env-b', {containers: [container('web', {env: [envB]})]}),
        workload('Deployment', ns, 'init-envfrom', {
          initContainers: [container('migrate', {envFrom: [{configMapRef: {name: 'app'}}]})],
          containers: [container('web')],
        }),
        workload('Deployment', ns, 'secret-env', {
          containers: [container('web', {env: [{name: 'P', valueFrom: {secretKeyRef: {name: 'creds', key: 'password'}}}]})],
        }),
        workload('Deployment', ns, 'items-b', {
          volumes: [{name: 'conf', configMap: {name: 'app', items: [{key: 'b', path: 'b.conf'}]}}],
          containers: [container('web', {volumeMounts: [{name: 'conf', mountPath: '/etc/app', subPath: 'b.conf'}]})],
        }),
        workload('Deployment', ns, 'files-only', {
          volumes: [{name: 'conf', configMap: {name: 'app'}}],
          containers: [container('web', {volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]})],
        }),
        workload('Deployment', ns, 'paused', {containers: [container('web', {envFrom: [{configMapRef: {name: 'app'}}]})]}, {paused: true}),
        workload('Deployment', ns, 'unrelated', {containers: [container('web', {envFrom: [{configMapRef: {name: 'other'}}]})]}),
        workload('StatefulSet', ns, 'sts-subpath', {
          volumes: [{name: 'conf', configMap: {name: 'app'}}],
          containers: [container('db', {volumeMounts: [{name: 'conf', mountPath: '/etc/a', subPath: 'a'}]})],
        }),
        workload('DaemonSet', ns, 'ds-projected', {
          volumes: [
            {
              name: 'bundle',
              projected: {sources: [{configMap: {name: 'app', items: [{key: 'a', path: 'a.conf'}]}}, {secret: {name: 'creds'}}]},
            },
          ],
          containers: [container('agent', {volumeMounts: [{name: 'bundle', mountPath: '/bundle/a.conf', subPath: 'a.conf'}]})],
        }),
      ]),
    );
    // The first ReplicaSet / ControllerRevision must exist before we count new ones.
    for (const name of ['env-a', 'env-b', 'init-envfrom', 'secret-env', 'items-b', 'files-only', 'unrelated'])
      await waitForRevisions('Deployment', ns, name, 1);
    await waitForRevisions('StatefulSet', ns, 'sts-subpath', 1);
    await waitForRevisions('DaemonSet', ns, 'ds-projected', 1);
  });

  afterAll(async () => cleanup?.());

  it('without a terminal and without --yes refuses in one line and writes nothing', async () => {
    const result = await runCli(['restart', 'configmap/app', '--context', 'alpha', '-n', ns]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: refusing to restart \d+ workloads? without confirmation: no terminal; pass --yes/),
    ]);
    expect(await restartedAt('Deployment', ns, 'env-a')).toBeUndefined();
  });

  it('--dry-run=client lists every reference kind and writes nothing', async () => {
    const result = await runCli([
      'restart',
      'configmap/app',
      'secret/creds',
      '--context',
      'alpha',
      '-n',
      ns,
      '--dry-run=client',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(0);
    const report = expectJsonOutput<any>('restart-report', result.stdout);
    const byName = Object.fromEntries(report.workloads.map((w: any) => [w.name, w]));
    expect(Object.keys(byName).sort()).toEqual([
      'ds-projected',
      'env-a',
      'env-b',
      'files-only',
      'init-envfrom',
      'items-b',
      'paused',
      'secret-env',
      'sts-subpath',
    ]);
    expect(byName['env-a'].references).toEqual([
      {
        object: 'configmap/app',
        container: 'web',
        containerType: 'container',
        via: 'env',
        detail: 'env A ← key "a"',
        keys: ['a'],
        optional: false,
        liveUpdate: false,
      },
    ]);
    expect(byName['init-envfrom'].references[0]).toMatchObject({
      container: 'migrate',
      containerType: 'initContainer',
      via: 'envFrom',
      keys: 'all',
    });
    expect(byName['secret-env'].references[0]).toMatchObject({object: 'secret/creds', via: 'env', keys: ['password']});
    expect(byName['items-b'].references[0]).toMatchObject({via: 'volume', keys: ['b'], liveUpdate: false});
    // A volume mount without subPath: the kubelet refreshes the files, so it needs no restart and is not listed as one.
    expect(byName['files-only']).toMatchObject({
      status: 'skipped',
      volumeOnly: true,
      reason: 'no restart needed: only mounted as a volume without subPath: the kubelet refreshes the files',
    });
    expect(byName['sts-subpath']).toMatchObject({kind: 'StatefulSet', status: 'would-restart'});
    expect(byName['ds-projected'].references.map((r: any) => `${r.object} ${r.via}`)).toEqual([
      'configmap/app projected',
      'secret/creds projected',
    ]);
    expect(byName.paused).toMatchObject({
      status: 'skipped',
      reason: 'deployments.apps "paused" can\'t restart paused deployment (run rollout resume first)',
    });
    expect(report.summary).toEqual({consumers: 9, restarted: 7, skipped: 2, failed: 0});
    const table = await runCli(['restart', 'configmap/app', 'secret/creds', '--context', 'alpha', '-n', ns, '--dry-run=client'], {
      env: {COLUMNS: '120'},
    });
    expect(table.code, table.stderr).toBe(0);
    // At 120 columns the reasons go under their rows (↳), whole.
    expect(table.stdout).toContain(
      'deployment/files-only     no restart needed   -      web: configmap/app volume "conf" at /etc/app\n  ↳ only mounted as a volume without subPath: the kubelet refreshes the files\n',
    );
    expect(table.stdout).not.toMatch(/files-only +would restart/);
    expect(table.stdout).toContain('· would restart 7 · no restart needed 1 · skipped 1 · failed 0');
    for (const line of table.stdout.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(await restartedAt('Deployment', ns, 'env-a')).toBeUndefined();
    expect((await cliRequests(ns)).filter((e) => e.verb === 'patch')).toEqual([]);
  });

  it('the read-only user is refused per workload, exit 3, nothing restarted', async () => {
    // At the 80 columns of a pipe: the reason goes under its row.
    const result = await runCli(['restart', 'configmap/app', '--keys', 'a', '--context', 'alpha-viewer', '-n', ns, '--yes'], {
      env: {COLUMNS: undefined},
    });
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /deployment\/env-a\s+failed\s+1\s+web: configmap\/app env A ←\s+key "a"\s+↳ forbidden: cannot patch deployment\/env-a/,
    );
    expect(result.stderr).toMatch(
      /^error: no workload was restarted: forbidden: cannot patch deployment\/env-a in namespace "[^"]+" \(context "alpha-viewer"\)/m,
    );
    expect(await restartedAt('Deployment', ns, 'env-a')).toBeUndefined();
  });

  it('--dry-run=server sends dry-run patches that store nothing', async () => {
    const result = await runCli([
      'restart',
      'configmap/app',
      '--keys',
      'a',
      '--context',
      'alpha',
      '-n',
      ns,
      '--dry-run=server',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(0);
    const report = expectJsonOutput<any>('restart-report', result.stdout);
    expect(report.workloads.filter((w: any) => w.status === 'would-restart').map((w: any) => w.name)).toContain('env-a');
    expect(await restartedAt('Deployment', ns, 'env-a')).toBeUndefined();
  });

  it('--keys b restarts only readers of b: an env var reading a does not count, items count only for their keys', async () => {
    // --no-skip-volume-only: the volume-only reader is restarted too, as asked.
    const result = await runCli([
      'restart',
      'configmap/app',
      '--keys',
      'b',
      '--no-skip-volume-only',
      '--context',
      'alpha',
      '-n',
      ns,
      '--yes',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(0);
    const report = expectJsonOutput<any>('restart-report', result.stdout);
    expect(report.workloads.map((w: any) => [w.name, w.status])).toEqual([
      ['env-b', 'restarted'],
      ['files-only', 'restarted'],
      ['init-envfrom', 'restarted'],
      ['items-b', 'restarted'],
      ['paused', 'skipped'],
    ]);
    for (const name of ['env-b', 'items-b', 'init-envfrom', 'files-only']) {
      expect(await restartedAt('Deployment', ns, name)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(await waitForRevisions('Deployment', ns, name, 2)).toBe(2);
    }
    expect(await restartedAt('Deployment', ns, 'env-a')).toBeUndefined();
    expect(await revisions('Deployment', ns, 'env-a')).toBe(1);
    expect(await restartedAt('Deployment', ns, 'paused')).toBeUndefined();
    expect(result.stderr).toContain('warning: deployments.apps "paused" can\'t restart paused deployment (run rollout resume first)');
  });

  it('restarts StatefulSets and DaemonSets: new template, new revision; leaves non-readers alone', async () => {
    const ok = await runCli([
      'restart',
      'configmap/app',
      '--keys',
      'a',
      '--skip-volume-only',
      '--context',
      'alpha',
      '-n',
      ns,
      '--yes',
      '-o',
      'json',
    ]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.workloads.filter((w: any) => w.status === 'restarted').map((w: any) => `${w.kind}/${w.name}`)).toEqual([
      'Deployment/env-a',
      'Deployment/init-envfrom',
      'StatefulSet/sts-subpath',
      'DaemonSet/ds-projected',
    ]);
    expect(report.workloads.find((w: any) => w.name === 'files-only')).toMatchObject({status: 'skipped', volumeOnly: true});
    expect(await restartedAt('StatefulSet', ns, 'sts-subpath')).toBeDefined();
    expect(await waitForRevisions('StatefulSet', ns, 'sts-subpath', 2)).toBe(2);
    expect(await restartedAt('DaemonSet', ns, 'ds-projected')).toBeDefined();
    expect(await waitForRevisions('DaemonSet', ns, 'ds-projected', 2)).toBe(2);
    expect(await revisions('Deployment', ns, 'unrelated')).toBe(1);
    expect(await restartedAt('Deployment', ns, 'unrelated')).toBeUndefined();
  });

  it('an object nobody reads (or that does not exist) is not an error', async () => {
    const result = await runCli(['restart', 'configmap/does-not-exist', '--context', 'alpha', '-n', ns, '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no Deployment, StatefulSet or DaemonSet reads it (10 workloads scanned)');
  });
});

describe('restart: waves and --wait', () => {
  const ns = uniqueName('rwave');
  let cleanup: () => Promise<void>;
  const reader = {containers: [container('web', {envFrom: [{configMapRef: {name: 'app'}}]})]};

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(ns, 'app', {a: '1'})),
        JSON.parse(configMap(ns, 'live', {a: '1'})),
        workload('Deployment', ns, 'wave-1', reader, {replicas: 1}),
        workload('Deployment', ns, 'wave-2', reader, {replicas: 1}),
        workload('Deployment', ns, 'wave-3', reader, {replicas: 1}),
        workload('Deployment', ns, 'ready', {containers: [container('web', {envFrom: [{configMapRef: {name: 'live'}}]})]}, {replicas: 1}),
        workload('DaemonSet', ns, 'no-nodes', {containers: [container('agent', {envFrom: [{configMapRef: {name: 'live'}}]})]}),
      ]),
    );
    for (const name of ['wave-1', 'wave-2', 'wave-3', 'ready']) await waitForRevisions('Deployment', ns, name, 1);
  });

  afterAll(async () => cleanup?.());

  it('a rollout that cannot finish is "not completed within" the timeout, exit 4, and --halt-on-failure stops later waves', async () => {
    // No kubelet: the new pod stays Pending, so the first wave can never become available.
    const result = await runCli([
      'restart',
      'configmap/app',
      '--context',
      'alpha',
      '-n',
      ns,
      '--max-parallel',
      '1',
      '--wait',
      '--timeout',
      '4s',
      '--halt-on-failure',
      '--yes',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(report.workloads.map((w: any) => [w.name, w.status, w.wave])).toEqual([
      ['wave-1', 'failed', 1],
      ['wave-2', 'skipped', 2],
      ['wave-3', 'skipped', 3],
    ]);
    expect(report.workloads[0].reason).toMatch(/^restarted, but rollout not completed within 4s \(.+\)$/);
    expect(report.workloads[1].reason).toBe('not started: an earlier wave failed (--halt-on-failure)');
    expect(result.stderr).toContain('wave 1/3: deployment/wave-1');
    expect(result.stderr).toMatch(/^deployment\/wave-1: waiting: /m);
    expect(await waitForRevisions('Deployment', ns, 'wave-1', 2)).toBe(2);
    expect(await restartedAt('Deployment', ns, 'wave-2')).toBeUndefined();
    expect(await restartedAt('Deployment', ns, 'wave-3')).toBeUndefined();
  });

  it('without --halt-on-failure every wave runs and each timeout is reported', async () => {
    const result = await runCli([
      'restart',
      'configmap/app',
      '--context',
      'alpha',
      '-n',
      ns,
      '--max-parallel',
      '2',
      '--wait',
      '--timeout',
      '2s',
      '--yes',
    ]);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/deployment\/wave-1\s+failed\s+1/);
    expect(result.stdout).toMatch(/deployment\/wave-3\s+failed\s+2/);
    expect(result.stdout).toContain('Summary: 3 consumers of 5 workloads · restarted 0 · skipped 0 · failed 3');
    expect(await restartedAt('Deployment', ns, 'wave-3')).toBeDefined();
  });

  it('--wait reports a completed rollout (pods marked Ready through the API in place of a kubelet)', async () => {
    // Stand-in for the kubelet: keep marking the app's pods Ready until the CLI is done.
    const result = await runMarkingPodsReady(
      ['restart', 'configmap/live', '--context', 'alpha', '-n', ns, '--wait', '--timeout', '60s', '--yes', '-o', 'json'],
      ns,
      'ready',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.workloads.map((w: any) => [w.kind, w.name, w.status, w.rollout?.state])).toEqual([
      ['Deployment', 'ready', 'restarted', 'complete'],
      // No node exists, so the DaemonSet has nothing to schedule: its rollout completes for real.
      ['DaemonSet', 'no-nodes', 'restarted', 'complete'],
    ]);
    expect(result.stderr).toContain('deployment/ready: successfully rolled out');
    expect(await revisions('Deployment', ns, 'ready')).toBe(2);
  });
});
