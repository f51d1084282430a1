import type {Owner} from '../owners.js';
import type {ConfigTarget, ConsumerReference} from '../consumers.js';
import type {RESTART_API_VERSION} from '../restart-plan.js';
import type {WorkloadKind} from '../workload.js';

export type DryRun = 'none' | 'client' | 'server';

export type WorkloadStatus = 'restarted' | 'would-restart' | 'skipped' | 'failed';

export interface WorkloadOutcome {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  status: WorkloadStatus;
  reason?: string;
  wave?: number;
  volumeOnly: boolean;
  restartedAt?: string;
  /** Only with --wait. */
  rollout?: {state: 'complete' | 'timeout' | 'failed'; message: string};
  references: ConsumerReference[];
  /** Who else owns the workload (shown only: a restart is not undone by it). */
  owner?: Owner;
}

/** The JSON contract of `restart -o json` and of the restart part of `sync --restart`. */
export interface RestartReport {
  apiVersion: typeof RESTART_API_VERSION;
  kind: 'RestartReport';
  context: string;
  /** Absent with -A (allNamespaces: true): each workload names its own namespace. */
  namespace?: string;
  allNamespaces?: true;
  targets: ConfigTarget[];
  /** Present when -l narrowed the workloads considered. */
  selector?: string;
  dryRun: DryRun;
  workloadsScanned: number;
  workloads: WorkloadOutcome[];
  summary: {consumers: number; restarted: number; skipped: number; failed: number};
}
