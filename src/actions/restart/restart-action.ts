import type {ClusterApi} from '../../core/cluster-api.js';
import type {ConfigTarget} from '../../core/consumers.js';
import type {RestartReport} from '../../core/contracts/restart-report.js';
import {DeclinedError, ExitCode, UsageError, type ExitCodeValue} from '../../core/errors.js';
import type {RestartPlanOptions} from '../../core/restart-plan.js';
import {counted} from '../../core/words.js';
import {allRestartsFailed, applyRestartPlan, previewRestartPlan, readRestartPlan, type RolloutOptions} from './rollout.js';

/** Everything restart needs, as the command read it from its flags and arguments. */
export interface RestartRequest {
  cluster: ClusterApi;
  context: string;
  /** Undefined with -A: every namespace. */
  namespace?: string;
  targets: ConfigTarget[];
  selector?: string;
  plan: RestartPlanOptions;
  rollout: RolloutOptions;
  yes: boolean;
}

export interface RestartIo {
  /** stderr: progress, notes, warnings. */
  note: (text: string) => void;
  /** A terminal on both ends, so the confirmation can be asked. */
  canPrompt: boolean;
  /** Shows what would restart before asking (on stderr). */
  preview(report: RestartReport): void;
  confirm(message: string): Promise<boolean>;
}

export interface RestartOutcome {
  report: RestartReport;
  exitCode: ExitCodeValue;
}

/** Finds the readers of the targets (one LIST per workload kind), asks, restarts them, and says how it went. */
export async function runRestart(request: RestartRequest, io: RestartIo): Promise<RestartOutcome> {
  const {cluster, context, namespace, rollout} = request;
  if (request.plan.maxParallel > 0 && !rollout.wait) {
    io.note(
      'note: without --wait, --max-parallel only limits how many restarts are sent at once; add --wait to let each wave roll out first',
    );
  }
  const plan = await readRestartPlan(cluster, namespace, request.targets, request.plan, request.selector);
  const restarts = plan.items.filter((i) => i.action === 'restart').length;
  if (restarts > 0 && rollout.dryRun === 'none' && !request.yes) {
    if (!io.canPrompt) {
      throw new UsageError(
        `refusing to restart ${counted(restarts, 'workload')} without confirmation: no terminal; pass --yes (or --dry-run=client to preview)`,
      );
    }
    io.preview(previewRestartPlan(plan, 'client'));
    const where = namespace === undefined ? `${context}, all namespaces` : `${context}/${namespace}`;
    if (!(await io.confirm(`Restart ${counted(restarts, 'workload')} in ${where}?`)))
      throw new DeclinedError('declined: nothing was restarted');
  }

  const report = await applyRestartPlan(cluster, plan, rollout);
  for (const item of plan.items) {
    if (item.kind === 'Deployment' && item.action === 'skip' && item.reason?.includes('paused')) io.note(`warning: ${item.reason}`);
  }
  if (report.summary.failed === 0) return {report, exitCode: ExitCode.ok};
  if (allRestartsFailed(report)) {
    const first = report.workloads.find((w) => w.status === 'failed');
    io.note(`error: no workload was restarted: ${first?.reason}`);
    return {report, exitCode: ExitCode.cluster};
  }
  return {report, exitCode: ExitCode.partial};
}
