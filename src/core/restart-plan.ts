import {compareWorkloads, findConsumers, targetRef, type ConfigTarget, type ConsumerReference} from './consumers.js';
import {detectOwner, type Owner} from './owners.js';
import type {Workload, WorkloadKind} from './workload.js';

export const RESTART_API_VERSION = 'configsync.kubectl.dev/v1alpha1';

/** The annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export interface RestartPlanOptions {
  /** Leave out workloads whose only use is a volume mount without subPath. */
  skipVolumeOnly: boolean;
  /** Workloads per wave; 0 puts every restart in one wave. */
  maxParallel: number;
  /**
   * The restarts a user confirmed (restartKey of each), when a preview was asked about: a workload
   * the preview did not list is not restarted, so what happens is what the question said.
   */
  confirmed?: ReadonlySet<string>;
}

/** A workload's identity across a preview and the plan carried out after it. */
export function restartKey(workload: {kind: string; name: string; namespace: string}): string {
  return `${workload.namespace}/${workload.kind}/${workload.name}`;
}

/** Why a consumer found after the confirmation is left alone. */
export const NOT_CONFIRMED = 'not in the preview that was confirmed; run the restart command for it';

export interface PlannedRestart {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  action: 'restart' | 'skip';
  /** Why a workload is skipped, or a note on a restart (volume-only). */
  reason?: string;
  /** 1-based wave number for restarts. */
  wave?: number;
  volumeOnly: boolean;
  references: ConsumerReference[];
  /** What the plan was computed from. */
  resourceVersion?: string;
  generation?: number;
  /**
   * Who else owns the workload. Shown, not refused: the restartedAt annotation is a field no GitOps
   * source sets, so drift correction leaves it (three-way and server-side apply keep others' fields).
   */
  owner?: Owner;
}

export interface RestartPlan {
  context: string;
  /** Undefined with -A: the workloads of every namespace were read. */
  namespace: string | undefined;
  targets: ConfigTarget[];
  /** The label selector (-l) that narrowed the workloads read, if any. */
  selector?: string;
  /** How many workloads were read to find the consumers. */
  workloadsScanned: number;
  items: PlannedRestart[];
  /** Indexes into items, one array per wave, in order. */
  waves: number[][];
}

export interface RestartPlanInput {
  context: string;
  namespace: string | undefined;
  workloads: Workload[];
  targets: ConfigTarget[];
  selector?: string;
}

export const VOLUME_ONLY_NOTE = 'only mounted as a volume without subPath: the kubelet refreshes the files';

/** The reason of a volume-only consumer left alone (the default): it needs no restart. */
export const NO_RESTART_NEEDED = `no restart needed: ${VOLUME_ONLY_NOTE}`;

/** The note of a volume-only consumer restarted because --no-skip-volume-only asked for it. */
export const VOLUME_ONLY_RESTART_NOTE = `${VOLUME_ONLY_NOTE}; restart asked for by --no-skip-volume-only`;

/** A consumer left alone because it needs no restart, as opposed to one skipped for a problem. */
export function needsNoRestart(outcome: {volumeOnly: boolean; reason?: string}): boolean {
  return outcome.volumeOnly && outcome.reason === NO_RESTART_NEEDED;
}

export const ON_DELETE_NOTE = 'updateStrategy OnDelete: the template changes, but pods take it only when they are deleted';

/**
 * kubectl rollout status refuses StatefulSets and DaemonSets that do not roll
 * by themselves (OnDelete): there is no rollout to follow. Same words as kubectl.
 */
export function untrackedRollout(workload: Pick<Workload, 'kind' | 'updateStrategy'>): string | undefined {
  const type = workload.updateStrategy?.type;
  if (workload.kind === 'Deployment' || type === undefined || type === 'RollingUpdate') return undefined;
  return `rollout status is only available for RollingUpdate strategy type (updateStrategy ${type}: pods take the new template only when they are deleted)`;
}

/** kubectl's own refusal, so people searching for it find the same words. */
export function pausedReason(name: string): string {
  return `deployments.apps "${name}" can't restart paused deployment (run rollout resume first)`;
}

/** Restart or skip (with the reason) for every workload that reads a target, in waves. */
export function planRestart(input: RestartPlanInput, options: RestartPlanOptions): RestartPlan {
  const items: PlannedRestart[] = findConsumers(input.workloads, input.targets).map(({workload, references, volumeOnly}) => {
    const base = {
      kind: workload.kind,
      name: workload.name,
      namespace: workload.namespace,
      volumeOnly,
      references,
      resourceVersion: workload.resourceVersion,
      generation: workload.generation,
      ...ownerOfWorkload(workload),
    };
    if (workload.kind === 'Deployment' && workload.paused) return {...base, action: 'skip' as const, reason: pausedReason(workload.name)};
    if (volumeOnly && options.skipVolumeOnly) return {...base, action: 'skip' as const, reason: NO_RESTART_NEEDED};
    if (options.confirmed && !options.confirmed.has(restartKey(base))) return {...base, action: 'skip' as const, reason: NOT_CONFIRMED};
    const notes = [volumeOnly ? VOLUME_ONLY_RESTART_NOTE : undefined, untrackedRollout(workload) ? ON_DELETE_NOTE : undefined].filter(
      Boolean,
    );
    return {...base, action: 'restart' as const, reason: notes.length > 0 ? notes.join('; ') : undefined};
  });
  items.sort((a, b) => a.namespace.localeCompare(b.namespace) || compareWorkloads({workload: a}, {workload: b}));
  const waves: number[][] = [];
  const size = options.maxParallel > 0 ? options.maxParallel : Number.POSITIVE_INFINITY;
  items.forEach((item, index) => {
    if (item.action !== 'restart') return;
    if (waves.length === 0 || waves[waves.length - 1].length >= size) waves.push([]);
    waves[waves.length - 1].push(index);
    item.wave = waves.length;
  });
  return {
    context: input.context,
    namespace: input.namespace,
    targets: input.targets,
    ...(input.selector === undefined ? {} : {selector: input.selector}),
    workloadsScanned: input.workloads.length,
    items,
    waves,
  };
}

function ownerOfWorkload(workload: Workload): {owner?: Owner} {
  const owner = detectOwner({...workload, labels: workload.labels ?? {}, annotations: workload.annotations ?? {}});
  return owner ? {owner} : {};
}

export function describeTargets(targets: ConfigTarget[]): string {
  return targets.map((t) => `${targetRef(t)}${t.keys ? ` (keys ${t.keys.join(',')})` : ''}`).join(', ');
}

export interface RolloutState {
  done: boolean;
  /** The controller gave up (ProgressDeadlineExceeded): waiting longer will not help. */
  failed?: boolean;
  /** The strategy has no rollout to follow (OnDelete): waiting will not help either. */
  untracked?: boolean;
  message: string;
}

/**
 * Whether a rollout has finished, with the same tests as `kubectl rollout status`.
 * `generation` is the one our restart produced; until the controller has
 * observed it, the status describes the previous template.
 */
/** The status fields kubectl's rollout status reads, as the API server may send them. */
interface RolloutStatus {
  observedGeneration?: number;
  conditions?: Array<{type?: string; reason?: string}>;
  replicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  readyReplicas?: number;
  updateRevision?: string;
  currentRevision?: string;
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
}

export function rolloutState(workload: Workload, generation: number | undefined): RolloutState {
  const untracked = untrackedRollout(workload);
  if (untracked) return {done: false, untracked: true, message: untracked};
  const status = workload.status as RolloutStatus;
  const wanted = generation ?? workload.generation ?? 0;
  const observed = Number(status.observedGeneration ?? 0);
  if (observed < wanted || observed === 0) return {done: false, message: 'waiting for the controller to observe the restart'};
  if (workload.kind === 'Deployment') {
    const conditions = status.conditions ?? [];
    if (conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) {
      return {done: false, failed: true, message: 'exceeded its progress deadline'};
    }
    const replicas = workload.replicas ?? 1;
    const updated = Number(status.updatedReplicas ?? 0);
    const total = Number(status.replicas ?? 0);
    const available = Number(status.availableReplicas ?? 0);
    if (updated < replicas) return {done: false, message: `${updated} of ${replicas} new replicas have been updated`};
    if (total > updated) return {done: false, message: `${total - updated} old replicas are pending termination`};
    if (available < updated) return {done: false, message: `${available} of ${updated} updated replicas are available`};
    return {done: true, message: 'successfully rolled out'};
  }
  if (workload.kind === 'StatefulSet') {
    const replicas = workload.replicas ?? 1;
    const ready = Number(status.readyReplicas ?? 0);
    if (ready < replicas) return {done: false, message: `${ready} of ${replicas} pods are ready`};
    // Pods below the partition keep the old revision for good, so the revisions never meet:
    // kubectl counts the updated pods at or above the partition instead.
    const partition = workload.updateStrategy?.partition ?? 0;
    if (partition > 0) {
      const updated = Number(status.updatedReplicas ?? 0);
      const expected = Math.max(0, replicas - partition);
      if (updated < expected)
        return {
          done: false,
          message: `partitioned roll out: ${updated} of ${expected} new pods have been updated (partition ${partition})`,
        };
      return {
        done: true,
        message: `partitioned roll out complete: ${updated} new pods have been updated (ordinals below ${partition} keep the old template)`,
      };
    }
    if (status.updateRevision !== status.currentRevision) {
      return {
        done: false,
        message: `${Number(status.updatedReplicas ?? 0)} of ${replicas} pods have been updated to revision ${status.updateRevision}`,
      };
    }
    return {done: true, message: `rolling update complete at revision ${status.currentRevision}`};
  }
  const desired = Number(status.desiredNumberScheduled ?? 0);
  const updated = Number(status.updatedNumberScheduled ?? 0);
  const available = Number(status.numberAvailable ?? 0);
  if (updated < desired) return {done: false, message: `${updated} of ${desired} updated pods have been scheduled`};
  if (available < desired) return {done: false, message: `${available} of ${desired} updated pods are available`};
  return {done: true, message: 'successfully rolled out'};
}
