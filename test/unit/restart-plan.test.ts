import {describe, expect, it} from 'vitest';
import {
  applyRestartPlan,
  allRestartsFailed,
  readRestartPlan,
  restartConsumers,
  type RolloutOptions,
} from '../../src/actions/restart/rollout.js';
import {ClusterError, NotFoundError} from '../../src/core/errors.js';
import {
  needsNoRestart,
  NO_RESTART_NEEDED,
  NOT_CONFIRMED,
  ON_DELETE_NOTE,
  pausedReason,
  planRestart,
  restartKey,
  rolloutState,
  VOLUME_ONLY_RESTART_NOTE,
} from '../../src/core/restart-plan.js';
import type {PodSpec, Workload, WorkloadKind} from '../../src/core/workload.js';
import {MemoryCluster} from '../support/memory-cluster.js';
import {expectSchema} from '../support/schemas.js';
import {renderRestartReport} from '../../src/ui/render-restart.js';
import {createTheme} from '../../src/ui/theme.js';

function workload(name: string, podSpec: PodSpec, kind: WorkloadKind = 'Deployment', extra: Partial<Workload> = {}): Workload {
  return {kind, name, namespace: 'ns', templateAnnotations: {}, podSpec, status: {}, generation: 1, replicas: 1, ...extra};
}

const envUser = (name: string, key = 'a', extra: Partial<Workload> = {}, kind: WorkloadKind = 'Deployment') =>
  workload(name, {containers: [{name: 'c', env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'conf', key}}}]}]}, kind, extra);
const volumeUser = (name: string) =>
  workload(name, {
    volumes: [{name: 'v', configMap: {name: 'conf'}}],
    containers: [{name: 'c', volumeMounts: [{name: 'v', mountPath: '/v'}]}],
  });

const conf = [{kind: 'ConfigMap' as const, name: 'conf'}];

describe('planRestart', () => {
  it('after a confirmed preview, restarts only the workloads the preview listed, in waves of their own', () => {
    const input = {context: 'alpha', namespace: 'ns', targets: conf, workloads: [envUser('a'), envUser('b'), envUser('c')]};
    const preview = planRestart({...input, workloads: input.workloads.slice(0, 2)}, {skipVolumeOnly: true, maxParallel: 1});
    const confirmed = new Set(preview.items.filter((i) => i.action === 'restart').map(restartKey));
    const plan = planRestart(input, {skipVolumeOnly: true, maxParallel: 1, confirmed});
    expect(plan.items.map((i) => [i.name, i.action, i.reason, i.wave])).toEqual([
      ['a', 'restart', undefined, 1],
      ['b', 'restart', undefined, 2],
      ['c', 'skip', NOT_CONFIRMED, undefined],
    ]);
    expect(plan.waves).toEqual([[0], [1]]);
  });

  it("refuses paused Deployments with kubectl's reason and restarts the rest", () => {
    const plan = planRestart(
      {context: 'alpha', namespace: 'ns', targets: conf, workloads: [envUser('a'), envUser('p', 'a', {paused: true})]},
      {skipVolumeOnly: false, maxParallel: 0},
    );
    expect(plan.items.map((i) => [i.name, i.action, i.reason])).toEqual([
      ['a', 'restart', undefined],
      ['p', 'skip', 'deployments.apps "p" can\'t restart paused deployment (run rollout resume first)'],
    ]);
    expect(pausedReason('p')).toContain('run rollout resume first');
  });

  it('leaves volume-only consumers alone as needing no restart (the default), or restarts them with a note when asked', () => {
    const input = {context: 'alpha', namespace: 'ns', targets: conf, workloads: [volumeUser('files'), envUser('env')]};
    const byDefault = planRestart(input, {skipVolumeOnly: true, maxParallel: 0});
    expect(byDefault.items.find((i) => i.name === 'files')).toMatchObject({action: 'skip', reason: NO_RESTART_NEEDED});
    expect(needsNoRestart({volumeOnly: true, reason: NO_RESTART_NEEDED})).toBe(true);
    const restartAll = planRestart(input, {skipVolumeOnly: false, maxParallel: 0});
    expect(restartAll.items.map((i) => [i.name, i.action, i.volumeOnly, i.reason])).toEqual([
      ['env', 'restart', false, undefined],
      ['files', 'restart', true, VOLUME_ONLY_RESTART_NOTE],
    ]);
    // Never "would restart" beside "the kubelet refreshes the files without a restart".
    expect(VOLUME_ONLY_RESTART_NOTE).not.toMatch(/without a restart/);
  });

  it('cuts restarts into waves of --max-parallel, skipped workloads in none', () => {
    const workloads = ['a', 'b', 'c', 'd', 'e'].map((n) => envUser(n, 'a', {paused: n === 'b'}));
    const plan = planRestart({context: 'alpha', namespace: 'ns', targets: conf, workloads}, {skipVolumeOnly: false, maxParallel: 2});
    expect(plan.waves.map((w) => w.map((i) => plan.items[i].name))).toEqual([
      ['a', 'c'],
      ['d', 'e'],
    ]);
    expect(plan.items.map((i) => i.wave)).toEqual([1, undefined, 1, 2, 2]);
    expect(
      planRestart({context: 'alpha', namespace: 'ns', targets: conf, workloads}, {skipVolumeOnly: false, maxParallel: 0}).waves,
    ).toHaveLength(1);
  });

  it('only keyed readers with --keys', () => {
    const plan = planRestart(
      {
        context: 'alpha',
        namespace: 'ns',
        targets: [{kind: 'ConfigMap', name: 'conf', keys: ['b']}],
        workloads: [envUser('reads-a', 'a'), envUser('reads-b', 'b'), volumeUser('files')],
      },
      {skipVolumeOnly: false, maxParallel: 0},
    );
    expect(plan.items.map((i) => i.name)).toEqual(['files', 'reads-b']);
    expect(plan.workloadsScanned).toBe(3);
  });
});

describe('rolloutState', () => {
  it('waits for the controller to observe the new generation', () => {
    expect(rolloutState(workload('d', {containers: []}, 'Deployment', {generation: 3, status: {observedGeneration: 2}}), 3)).toMatchObject({
      done: false,
    });
  });

  it('follows a Deployment like kubectl rollout status', () => {
    const d = (status: Record<string, unknown>) =>
      workload('d', {containers: []}, 'Deployment', {generation: 2, replicas: 2, status: {observedGeneration: 2, ...status}});
    expect(rolloutState(d({updatedReplicas: 1, replicas: 2}), 2).message).toBe('1 of 2 new replicas have been updated');
    expect(rolloutState(d({updatedReplicas: 2, replicas: 3}), 2).message).toBe('1 old replicas are pending termination');
    expect(rolloutState(d({updatedReplicas: 2, replicas: 2, availableReplicas: 1}), 2).message).toBe(
      '1 of 2 updated replicas are available',
    );
    expect(rolloutState(d({updatedReplicas: 2, replicas: 2, availableReplicas: 2}), 2)).toEqual({
      done: true,
      message: 'successfully rolled out',
    });
    expect(rolloutState(d({conditions: [{type: 'Progressing', reason: 'ProgressDeadlineExceeded'}]}), 2)).toMatchObject({failed: true});
  });

  it('follows StatefulSets by revision and DaemonSets by scheduled pods', () => {
    const s = workload('s', {containers: []}, 'StatefulSet', {
      generation: 2,
      replicas: 1,
      status: {observedGeneration: 2, readyReplicas: 1, currentRevision: 's-1', updateRevision: 's-2'},
    });
    expect(rolloutState(s, 2).done).toBe(false);
    expect(rolloutState({...s, status: {...s.status, currentRevision: 's-2'}}, 2).done).toBe(true);
    const ds = workload('ds', {containers: []}, 'DaemonSet', {generation: 2, status: {observedGeneration: 2, desiredNumberScheduled: 0}});
    expect(rolloutState(ds, 2).done).toBe(true);
  });

  it('a partitioned StatefulSet is done when the pods at or above the partition are updated, as kubectl counts', () => {
    // 3 replicas, partition 1: ordinals 1 and 2 take the new template, ordinal 0 keeps the old revision for good.
    const s = (status: Record<string, unknown>) =>
      workload('s', {containers: []}, 'StatefulSet', {
        generation: 2,
        replicas: 3,
        updateStrategy: {type: 'RollingUpdate', partition: 1},
        status: {observedGeneration: 2, readyReplicas: 3, currentRevision: 's-1', updateRevision: 's-2', ...status},
      });
    expect(rolloutState(s({readyReplicas: 2, updatedReplicas: 2}), 2)).toEqual({done: false, message: '2 of 3 pods are ready'});
    expect(rolloutState(s({updatedReplicas: 1}), 2)).toEqual({
      done: false,
      message: 'partitioned roll out: 1 of 2 new pods have been updated (partition 1)',
    });
    expect(rolloutState(s({updatedReplicas: 2}), 2)).toEqual({
      done: true,
      message: 'partitioned roll out complete: 2 new pods have been updated (ordinals below 1 keep the old template)',
    });
    // A partition at or above the replica count updates no pod at all: nothing to wait for.
    const all = workload('s', {containers: []}, 'StatefulSet', {
      generation: 2,
      replicas: 2,
      updateStrategy: {type: 'RollingUpdate', partition: 5},
      status: {observedGeneration: 2, readyReplicas: 2, updatedReplicas: 0},
    });
    expect(rolloutState(all, 2).done).toBe(true);
    // Without a partition the revisions must meet, as before.
    const plain = workload('s', {containers: []}, 'StatefulSet', {
      generation: 2,
      replicas: 1,
      updateStrategy: {type: 'RollingUpdate', partition: 0},
      status: {observedGeneration: 2, readyReplicas: 1, updatedReplicas: 1, currentRevision: 's-1', updateRevision: 's-2'},
    });
    expect(rolloutState(plain, 2).done).toBe(false);
  });

  it("OnDelete StatefulSets and DaemonSets have no rollout to follow: kubectl's refusal, not a wait", () => {
    for (const kind of ['StatefulSet', 'DaemonSet'] as const) {
      const w = workload('w', {containers: []}, kind, {generation: 2, updateStrategy: {type: 'OnDelete'}, status: {observedGeneration: 2}});
      expect(rolloutState(w, 2)).toEqual({
        done: false,
        untracked: true,
        message:
          'rollout status is only available for RollingUpdate strategy type (updateStrategy OnDelete: pods take the new template only when they are deleted)',
      });
    }
    // Deployments have no OnDelete; Recreate rolls by itself.
    const recreate = workload('d', {containers: []}, 'Deployment', {
      generation: 2,
      replicas: 0,
      updateStrategy: {type: 'Recreate'},
      status: {observedGeneration: 2},
    });
    expect(rolloutState(recreate, 2)).toEqual({done: true, message: 'successfully rolled out'});
  });
});

/** The shared in-memory cluster, holding these workloads. */
function workloadCluster(workloads: Workload[]): MemoryCluster {
  const cluster = new MemoryCluster();
  cluster.workloads.push(...workloads);
  return cluster;
}

const fixedNow = () => new Date('2026-03-01T10:20:30.456Z');
const baseOptions: RolloutOptions = {
  dryRun: 'none',
  fieldManager: 'kubectl-configsync',
  wait: false,
  timeoutMs: 5000,
  haltOnFailure: false,
  now: fixedNow,
  sleep: async () => undefined,
};

describe('applyRestartPlan', () => {
  it('patches every planned workload once with an RFC 3339 time and reports per workload', async () => {
    const cluster = workloadCluster([envUser('a'), envUser('b', 'a', {paused: true}), envUser('c')]);
    const report = await restartConsumers(cluster, 'ns', [{kind: 'ConfigMap', name: 'conf'}], {
      ...baseOptions,
      skipVolumeOnly: false,
      maxParallel: 0,
    });
    expect(cluster.workloadCalls).toEqual([
      'list Deployment',
      'list StatefulSet',
      'list DaemonSet',
      'patch a kubectl-configsync',
      'patch c kubectl-configsync',
    ]);
    expect(cluster.workloads[0].templateAnnotations['kubectl.kubernetes.io/restartedAt']).toBe('2026-03-01T10:20:30Z');
    expect(report.workloads.map((w) => [w.name, w.status])).toEqual([
      ['a', 'restarted'],
      ['b', 'skipped'],
      ['c', 'restarted'],
    ]);
    expect(report.summary).toEqual({consumers: 3, restarted: 2, skipped: 1, failed: 0});
    expectSchema('restart-report', JSON.parse(JSON.stringify(report)));
  });

  it('sync hand-over: only the changed keys count, and nothing is read when nothing changed', async () => {
    const cluster = workloadCluster([envUser('reads-a', 'a'), envUser('reads-b', 'b')]);
    const none = await restartConsumers(cluster, 'ns', [{kind: 'ConfigMap', name: 'conf', keys: []}], {
      ...baseOptions,
      skipVolumeOnly: false,
      maxParallel: 0,
    });
    expect(none.workloads).toEqual([]);
    expect(cluster.workloadCalls).toEqual([]);
    const some = await restartConsumers(cluster, 'ns', [{kind: 'ConfigMap', name: 'conf', keys: ['b']}], {
      ...baseOptions,
      skipVolumeOnly: false,
      maxParallel: 0,
    });
    expect(some.workloads.map((w) => [w.name, w.status])).toEqual([['reads-b', 'restarted']]);
  });

  it('client dry run writes nothing; server dry run sends dry-run patches', async () => {
    const cluster = workloadCluster([envUser('a')]);
    const plan = planRestart(
      {context: 'mem', namespace: 'ns', targets: conf, workloads: cluster.workloads},
      {skipVolumeOnly: false, maxParallel: 0},
    );
    const client = await applyRestartPlan(cluster, plan, {...baseOptions, dryRun: 'client'});
    expect(client.workloads[0].status).toBe('would-restart');
    expect(cluster.workloadCalls).toEqual([]);
    const server = await applyRestartPlan(cluster, plan, {...baseOptions, dryRun: 'server'});
    expect(server.workloads[0].status).toBe('would-restart');
    for (const report of [client, server]) expectSchema('restart-report', JSON.parse(JSON.stringify(report)));
    expect(cluster.workloadCalls).toEqual(['patch a dry-run kubectl-configsync']);
    expect(cluster.workloads[0].generation).toBe(1);
  });

  it('keeps going past a failed patch, treats a vanished workload as skipped, and reports both', async () => {
    const cluster = workloadCluster([envUser('a'), envUser('b'), envUser('gone')]);
    cluster.failPatch.set('a', new ClusterError('forbidden: cannot patch deployment/a in namespace "ns" (context "mem"): no', 403));
    cluster.failPatch.set('gone', new NotFoundError('not found'));
    const plan = planRestart(
      {context: 'mem', namespace: 'ns', targets: conf, workloads: cluster.workloads},
      {skipVolumeOnly: false, maxParallel: 0},
    );
    const report = await applyRestartPlan(cluster, plan, baseOptions);
    expect(report.workloads.map((w) => [w.name, w.status, w.reason])).toEqual([
      ['a', 'failed', 'forbidden: cannot patch deployment/a in namespace "ns" (context "mem"): no'],
      ['b', 'restarted', undefined],
      ['gone', 'skipped', 'not found: deleted after it was listed'],
    ]);
    expect(allRestartsFailed(report)).toBe(false);
  });

  it('with --wait, reports a rollout that never completes as "not completed within" and halts later waves', async () => {
    const cluster = workloadCluster([envUser('a'), envUser('b'), envUser('c')]);
    cluster.statusAfter = (w) => ({observedGeneration: w.generation, replicas: 1, updatedReplicas: 1, availableReplicas: 0});
    const progress: string[] = [];
    const plan = planRestart(
      {context: 'mem', namespace: 'ns', targets: conf, workloads: cluster.workloads},
      {skipVolumeOnly: false, maxParallel: 1},
    );
    const report = await applyRestartPlan(cluster, plan, {
      ...baseOptions,
      wait: true,
      timeoutMs: 3000,
      pollIntervalMs: 1000,
      haltOnFailure: true,
      progress: (l) => progress.push(l),
    });
    expect(report.workloads.map((w) => [w.name, w.status])).toEqual([
      ['a', 'failed'],
      ['b', 'skipped'],
      ['c', 'skipped'],
    ]);
    expect(report.workloads[0].reason).toBe('restarted, but rollout not completed within 3s (0 of 1 updated replicas are available)');
    expect(report.workloads[1].reason).toBe('not started: an earlier wave failed (--halt-on-failure)');
    expect(cluster.workloadCalls.filter((c) => c.startsWith('patch'))).toEqual(['patch a kubectl-configsync']);
    expect(cluster.polls.get('a')).toBe(4);
    expect(progress).toContain('deployment/a: waiting: 0 of 1 updated replicas are available');
  });

  it('with --wait, an OnDelete workload is restarted but reported failed at once, without polling', async () => {
    const onDelete = envUser('od', 'a', {updateStrategy: {type: 'OnDelete'}}, 'DaemonSet');
    const cluster = workloadCluster([envUser('a'), onDelete]);
    cluster.statusAfter = (w) => ({observedGeneration: w.generation, replicas: 1, updatedReplicas: 1, availableReplicas: 1});
    const plan = planRestart(
      {context: 'mem', namespace: 'ns', targets: conf, workloads: cluster.workloads},
      {skipVolumeOnly: false, maxParallel: 0},
    );
    expect(plan.items.find((i) => i.name === 'od')).toMatchObject({action: 'restart', reason: ON_DELETE_NOTE});
    const report = await applyRestartPlan(cluster, plan, {...baseOptions, wait: true});
    expect(cluster.workloadCalls).toEqual(['patch a kubectl-configsync', 'patch od kubectl-configsync', 'get a']);
    expect(report.workloads.map((w) => [w.kind, w.name, w.status, w.rollout?.state])).toEqual([
      ['Deployment', 'a', 'restarted', 'complete'],
      ['DaemonSet', 'od', 'failed', 'failed'],
    ]);
    expect(report.workloads[1].reason).toBe(
      'restarted, but rollout status is only available for RollingUpdate strategy type (updateStrategy OnDelete: pods take the new template only when they are deleted)',
    );
    expect(cluster.workloads[1].templateAnnotations['kubectl.kubernetes.io/restartedAt']).toBe('2026-03-01T10:20:30Z');
    expect(allRestartsFailed(report)).toBe(false);
  });

  it('with --wait, follows each wave to completion before the next', async () => {
    const cluster = workloadCluster([envUser('a'), envUser('b')]);
    // The controller catches up on the second poll.
    cluster.statusAfter = (w, polls) =>
      polls < 2 ? {observedGeneration: 1} : {observedGeneration: w.generation, replicas: 1, updatedReplicas: 1, availableReplicas: 1};
    const plan = planRestart(
      {context: 'mem', namespace: 'ns', targets: conf, workloads: cluster.workloads},
      {skipVolumeOnly: false, maxParallel: 1},
    );
    const report = await applyRestartPlan(cluster, plan, {...baseOptions, wait: true});
    expect(cluster.workloadCalls).toEqual(['patch a kubectl-configsync', 'get a', 'get a', 'patch b kubectl-configsync', 'get b', 'get b']);
    expect(report.workloads.map((w) => [w.name, w.status, w.rollout?.state])).toEqual([
      ['a', 'restarted', 'complete'],
      ['b', 'restarted', 'complete'],
    ]);
  });

  it('-l narrows the three LISTs on the server and says so in the report', async () => {
    const cluster = workloadCluster([envUser('web'), envUser('batch')]);
    cluster.workloadLabels.set('web', {tier: 'web'});
    cluster.workloadLabels.set('batch', {tier: 'batch'});
    const plan = await readRestartPlan(cluster, 'ns', conf, {skipVolumeOnly: false, maxParallel: 0}, 'tier=web');
    expect(cluster.workloadCalls).toEqual(['list Deployment -l tier=web', 'list StatefulSet -l tier=web', 'list DaemonSet -l tier=web']);
    expect(plan.items.map((i) => i.name)).toEqual(['web']);
    const report = await applyRestartPlan(cluster, plan, {...baseOptions, dryRun: 'client'});
    expect(report).toMatchObject({selector: 'tier=web', workloadsScanned: 1});
    expect(renderRestartReport(report, createTheme(false))).toContain(
      'Consumers of configmap/conf in mem/ns among workloads matching tier=web (dry run: client, nothing written)',
    );
    const none = await applyRestartPlan(
      cluster,
      await readRestartPlan(cluster, 'ns', conf, {skipVolumeOnly: false, maxParallel: 0}, 'tier=db'),
      {...baseOptions, dryRun: 'client'},
    );
    expect(renderRestartReport(none, createTheme(false))).toContain(
      'no Deployment, StatefulSet or DaemonSet reads it (0 workloads matching tier=db scanned)',
    );
    // Without -l the report has no selector field at all.
    const all = await applyRestartPlan(cluster, await readRestartPlan(cluster, 'ns', conf, {skipVolumeOnly: false, maxParallel: 0}), {
      ...baseOptions,
      dryRun: 'client',
    });
    expect('selector' in all).toBe(false);
  });

  it('-A: one LIST per kind across namespaces, rows sorted by namespace, a NAMESPACE column, each patch in its own namespace', async () => {
    const inB = {...envUser('api'), namespace: 'b'};
    const inA = {...envUser('web'), namespace: 'a'};
    const cluster = workloadCluster([inB, inA, {...envUser('db', 'a', {}, 'StatefulSet'), namespace: 'a'}]);
    // All namespaces: the in-memory LIST ignores the namespace when it is undefined.
    cluster.listWorkloads = async (kind, namespace) => {
      cluster.workloadCalls.push(`list ${kind} ${namespace ?? '(all)'}`);
      return cluster.workloads.filter((w) => w.kind === kind && (namespace === undefined || w.namespace === namespace));
    };
    cluster.restartWorkload = async (kind, namespace, name) => {
      cluster.workloadCalls.push(`patch ${namespace}/${name}`);
      return cluster.workloads.find((w) => w.namespace === namespace && w.name === name)!;
    };
    const plan = await readRestartPlan(cluster, undefined, conf, {skipVolumeOnly: false, maxParallel: 0});
    expect(plan.items.map((i) => `${i.namespace}/${i.kind}/${i.name}`)).toEqual([
      'a/Deployment/web',
      'a/StatefulSet/db',
      'b/Deployment/api',
    ]);
    const report = await applyRestartPlan(cluster, plan, baseOptions);
    expect(cluster.workloadCalls).toEqual([
      'list Deployment (all)',
      'list StatefulSet (all)',
      'list DaemonSet (all)',
      'patch a/web',
      'patch a/db',
      'patch b/api',
    ]);
    expect(report).toMatchObject({allNamespaces: true, summary: {consumers: 3, restarted: 3}});
    expect('namespace' in report).toBe(false);
    expect(report.workloads.map((w) => w.namespace)).toEqual(['a', 'a', 'b']);
    const text = renderRestartReport(report, createTheme(false));
    expect(text).toContain('Consumers of configmap/conf in mem (all namespaces)');
    expect(text).toMatch(/^NAMESPACE\s+WORKLOAD\s+STATUS/m);
    expect(text).toMatch(/^b\s+deployment\/api\s+restarted\s+1/m);
  });

  it('renders why each workload was selected', async () => {
    const cluster = workloadCluster([envUser('a'), volumeUser('files')]);
    const report = await restartConsumers(cluster, 'ns', [{kind: 'ConfigMap', name: 'conf'}], {
      ...baseOptions,
      dryRun: 'client',
      skipVolumeOnly: true,
      maxParallel: 0,
    });
    const text = renderRestartReport(report, createTheme(false));
    expect(text).toContain('Consumers of configmap/conf in mem/ns (dry run: client, nothing written)');
    expect(text).toMatch(/deployment\/a\s+would restart\s+1\s+c: configmap\/conf env X ← key "a"/);
    // A consumer that needs no restart is said so, never "would restart" or "skipped".
    expect(text).toMatch(
      /deployment\/files\s+no restart needed\s+-\s+c: configmap\/conf volume "v" at \/v\s+only mounted as a volume without subPath: the kubelet refreshes the files$/m,
    );
    expect(text).toContain('Summary: 2 consumers of 2 workloads · would restart 1 · no restart needed 1 · skipped 0 · failed 0');
  });
});

describe('restart arguments', () => {
  it('accepts kind/name words and kubectl\'s "kind name..." form', async () => {
    const {parseTargets} = await import('../../src/core/restart-targets.js');
    expect(parseTargets(['configmap/app', 'secret/db', 'cm/x'], ['k'])).toEqual([
      {kind: 'ConfigMap', name: 'app', keys: ['k']},
      {kind: 'Secret', name: 'db', keys: ['k']},
      {kind: 'ConfigMap', name: 'x', keys: ['k']},
    ]);
    expect(parseTargets(['secret', 'a', 'b'], undefined)).toEqual([
      {kind: 'Secret', name: 'a', keys: undefined},
      {kind: 'Secret', name: 'b', keys: undefined},
    ]);
    expect(() => parseTargets(['app'], undefined)).toThrow('"app": expected configmap/NAME or secret/NAME');
    expect(() => parseTargets(['deployment/app'], undefined)).toThrow('expected configmap/NAME or secret/NAME');
    expect(() => parseTargets([], undefined)).toThrow('name what changed');
  });
});
