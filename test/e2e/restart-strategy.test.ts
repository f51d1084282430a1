import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectlJson, runCli, uniqueName} from './support.js';
import {
  cliRequests,
  container,
  eventually,
  list,
  markPodsReady,
  runMarkingPodsReady,
  restartedAt,
  waitForRevisions,
  workload,
} from './restart-support.js';

const reader = {containers: [container('web', {envFrom: [{configMapRef: {name: 'app'}}]})]};

/** A workload manifest with its spec extended (update strategy, pod management). */
function withSpec(manifest: Record<string, unknown>, spec: Record<string, unknown>): Record<string, unknown> {
  return {...manifest, spec: {...(manifest.spec as object), ...spec}};
}

async function statefulSet(namespace: string, name: string): Promise<any> {
  return kubectlJson(['--context', 'alpha', '-n', namespace, 'get', 'statefulset', name]);
}

describe('restart --wait and update strategies', () => {
  const ns = uniqueName('rstrat');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(ns, 'app', {a: '1'})),
        JSON.parse(configMap(ns, 'ondelete', {a: '1'})),
        // Parallel, so both pods exist at once without waiting for each other's readiness.
        withSpec(workload('StatefulSet', ns, 'parted', reader, {replicas: 2}), {
          podManagementPolicy: 'Parallel',
          updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: 1}},
        }),
        withSpec(
          workload('StatefulSet', ns, 'sts-ondelete', {containers: [container('db', {envFrom: [{configMapRef: {name: 'ondelete'}}]})]}),
          {
            updateStrategy: {type: 'OnDelete'},
          },
        ),
        withSpec(
          workload('DaemonSet', ns, 'ds-ondelete', {containers: [container('agent', {envFrom: [{configMapRef: {name: 'ondelete'}}]})]}),
          {
            updateStrategy: {type: 'OnDelete'},
          },
        ),
      ]),
    );
    await waitForRevisions('StatefulSet', ns, 'parted', 1);
    await waitForRevisions('StatefulSet', ns, 'sts-ondelete', 1);
    await waitForRevisions('DaemonSet', ns, 'ds-ondelete', 1);
    // Stand-in for the kubelet: both pods Ready, so only the partition decides when the rollout is done.
    const ready = await eventually(async () => {
      await markPodsReady(ns, 'parted');
      return (await statefulSet(ns, 'parted')).status?.readyReplicas === 2;
    }, 60_000);
    expect(ready).toBe(true);
  });

  afterAll(async () => cleanup?.());

  it('a partitioned StatefulSet completes when the pods at or above the partition run the new revision (pods marked Ready through the API in place of a kubelet)', async () => {
    const before = (await statefulSet(ns, 'parted')).status.updateRevision;
    // The controller replaces parted-1 with a Pending pod at the new revision; mark it Ready as a kubelet would.
    const result = await runMarkingPodsReady(
      ['restart', 'configmap/app', '--context', 'alpha', '-n', ns, '--wait', '--timeout', '60s', '--yes', '-o', 'json'],
      ns,
      'parted',
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.workloads.map((w: any) => [w.kind, w.name, w.status, w.rollout])).toEqual([
      [
        'StatefulSet',
        'parted',
        'restarted',
        {
          state: 'complete',
          message: 'partitioned roll out complete: 1 new pods have been updated (ordinals below 1 keep the old template)',
        },
      ],
    ]);
    // Read back: ordinal 1 runs the new revision, ordinal 0 keeps the old one, so the revisions never meet.
    const sts = await statefulSet(ns, 'parted');
    expect(sts.status.updateRevision).not.toBe(before);
    expect(sts.status.currentRevision).toBe(before);
    const pods: any[] = (await kubectlJson(['--context', 'alpha', '-n', ns, 'get', 'pods', '-l', 'app=parted'])).items;
    const revisionOf = Object.fromEntries(pods.map((p) => [p.metadata.name, p.metadata.labels['controller-revision-hash']]));
    expect(revisionOf).toEqual({'parted-0': before, 'parted-1': sts.status.updateRevision});
  });

  it("OnDelete StatefulSets and DaemonSets: the template is restarted, --wait reports kubectl's refusal at once (exit 4) and polls nothing", async () => {
    const result = await runCli([
      'restart',
      'configmap/ondelete',
      '--context',
      'alpha',
      '-n',
      ns,
      '--wait',
      '--timeout',
      '60s',
      '--yes',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    const refusal =
      'rollout status is only available for RollingUpdate strategy type (updateStrategy OnDelete: pods take the new template only when they are deleted)';
    expect(report.workloads.map((w: any) => [w.kind, w.name, w.status, w.reason, w.rollout])).toEqual([
      ['StatefulSet', 'sts-ondelete', 'failed', `restarted, but ${refusal}`, {state: 'failed', message: refusal}],
      ['DaemonSet', 'ds-ondelete', 'failed', `restarted, but ${refusal}`, {state: 'failed', message: refusal}],
    ]);
    expect(await restartedAt('StatefulSet', ns, 'sts-ondelete')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await restartedAt('DaemonSet', ns, 'ds-ondelete')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await waitForRevisions('StatefulSet', ns, 'sts-ondelete', 2)).toBe(2);
    expect(await waitForRevisions('DaemonSet', ns, 'ds-ondelete', 2)).toBe(2);
    // No rollout to follow: not one GET of either workload.
    const gets = (await cliRequests(ns)).filter(
      (e) => e.verb === 'get' && (e.objectRef?.name === 'sts-ondelete' || e.objectRef?.name === 'ds-ondelete'),
    );
    expect(gets).toEqual([]);
  });

  it('the preview says an OnDelete workload takes the new template only when its pods are deleted', async () => {
    const result = await runCli(['restart', 'configmap/ondelete', '--context', 'alpha', '-n', ns, '--dry-run=client', '-o', 'wide']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /statefulset\/sts-ondelete\s+would restart\s+1\s+db: configmap\/ondelete envFrom all keys\s+updateStrategy OnDelete: the template changes, but/,
    );
  });
});
