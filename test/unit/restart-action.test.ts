import {describe, expect, it} from 'vitest';
import {runRestart, type RestartIo, type RestartRequest} from '../../src/actions/restart/restart-action.js';
import type {RestartReport} from '../../src/core/contracts/restart-report.js';
import {ClusterError, DeclinedError, ExitCode, UsageError} from '../../src/core/errors.js';
import type {Workload} from '../../src/core/workload.js';
import {MemoryCluster} from '../support/memory-cluster.js';
import {expectSchema} from '../support/schemas.js';

function reader(name: string, extra: Partial<Workload> = {}): Workload {
  return {
    kind: 'Deployment',
    name,
    namespace: 'ns',
    templateAnnotations: {},
    podSpec: {containers: [{name: 'c', env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'conf', key: 'a'}}}]}]},
    status: {},
    generation: 1,
    replicas: 1,
    ...extra,
  };
}

function setup(workloads: Workload[], options: {yes?: boolean; canPrompt?: boolean; answer?: boolean} = {}) {
  const cluster = new MemoryCluster();
  cluster.workloads.push(...workloads);
  const notes: string[] = [];
  const previews: RestartReport[] = [];
  const questions: string[] = [];
  const request: RestartRequest = {
    cluster,
    context: 'mem',
    namespace: 'ns',
    targets: [{kind: 'ConfigMap', name: 'conf'}],
    plan: {skipVolumeOnly: false, maxParallel: 0},
    rollout: {
      dryRun: 'none',
      fieldManager: 'kubectl-configsync',
      wait: false,
      timeoutMs: 1000,
      haltOnFailure: false,
      now: () => new Date('2026-03-01T10:20:30Z'),
      sleep: async () => undefined,
    },
    yes: options.yes ?? true,
  };
  const io: RestartIo = {
    note: (text) => notes.push(text),
    canPrompt: options.canPrompt ?? false,
    preview: (report) => previews.push(report),
    confirm: async (message) => {
      questions.push(message);
      return options.answer ?? false;
    },
  };
  return {cluster, notes, previews, questions, run: () => runRestart(request, io)};
}

const patches = (cluster: MemoryCluster) => cluster.workloadCalls.filter((c) => c.startsWith('patch'));

describe('runRestart (in-process, shared in-memory cluster)', () => {
  it('restarts every reader once, warns of paused Deployments, exit 0, and the report matches its schema', async () => {
    const {cluster, notes, run} = setup([reader('a'), reader('p', {paused: true})]);
    const {report, exitCode} = await run();
    expect(exitCode).toBe(ExitCode.ok);
    expect(patches(cluster)).toEqual(['patch a kubectl-configsync']);
    expect(report.workloads.map((w) => [w.name, w.status])).toEqual([
      ['a', 'restarted'],
      ['p', 'skipped'],
    ]);
    expect(notes.some((n) => n.startsWith('warning: ') && n.includes('paused'))).toBe(true);
    expectSchema('restart-report', JSON.parse(JSON.stringify(report)));
  });

  it('without --yes and without a terminal refuses before any patch', async () => {
    const {cluster, run} = setup([reader('a')], {yes: false});
    await expect(run()).rejects.toBeInstanceOf(UsageError);
    expect(patches(cluster)).toEqual([]);
  });

  it('previews and asks on a terminal; a "no" restarts nothing (exit 5)', async () => {
    const {cluster, previews, questions, run} = setup([reader('a'), reader('b')], {yes: false, canPrompt: true, answer: false});
    await expect(run()).rejects.toBeInstanceOf(DeclinedError);
    expect(questions).toEqual(['Restart 2 workloads in mem/ns?']);
    expect(previews[0].workloads.map((w) => w.status)).toEqual(['would-restart', 'would-restart']);
    expect(patches(cluster)).toEqual([]);
  });

  it('exit 4 when some restarts fail, exit 3 with one error line when all do', async () => {
    const partial = setup([reader('a'), reader('b')]);
    partial.cluster.failPatch.set('a', new ClusterError('forbidden: cannot patch deployment/a', 403));
    expect((await partial.run()).exitCode).toBe(ExitCode.partial);

    const failed = setup([reader('a')]);
    failed.cluster.failPatch.set('a', new ClusterError('forbidden: cannot patch deployment/a', 403));
    const {exitCode} = await failed.run();
    expect(exitCode).toBe(ExitCode.cluster);
    expect(failed.notes.filter((n) => n.startsWith('error: '))).toEqual([
      expect.stringMatching(/^error: no workload was restarted: .*forbidden/),
    ]);
  });
});
