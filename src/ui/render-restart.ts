import type {RestartReport, WorkloadOutcome} from '../core/contracts/restart-report.js';
import {workloadRef} from '../core/consumers.js';
import {describeOwner} from '../core/owners.js';
import {describeTargets} from '../core/restart-plan.js';
import {renderTable} from './table.js';
import type {Theme} from './theme.js';
import {counted} from '../core/words.js';

const STATUS_TEXT: Record<WorkloadOutcome['status'], string> = {
  restarted: 'restarted',
  'would-restart': 'would restart',
  skipped: 'skipped',
  failed: 'failed',
};

/** The per-workload table: which workload, what happened, and why it was selected. */
export function renderRestartReport(report: RestartReport, theme: Theme, options: {confirming?: boolean} = {}): string {
  const out: string[] = [];
  const where = report.allNamespaces ? `${report.context} (all namespaces)` : `${report.context}/${report.namespace}`;
  if (report.targets.length === 0) return `Restart: no key changed in ${where}, so no workload needs a restart\n`;
  // The preview before a real restart's confirmation is not a dry run: it says what the answer "yes" does.
  const dry = options.confirming
    ? theme.dim(' (to be confirmed: nothing restarted yet)')
    : report.dryRun === 'none'
      ? ''
      : theme.dim(` (dry run: ${report.dryRun}, nothing written)`);
  const among = report.selector === undefined ? '' : ` among workloads matching ${report.selector}`;
  out.push(theme.bold(`Consumers of ${describeTargets(report.targets)} in ${where}${among}`) + dry);
  if (report.workloads.length === 0) {
    const scanned = report.selector === undefined ? 'workloads' : `workloads matching ${report.selector}`;
    out.push(
      `no Deployment, StatefulSet or DaemonSet reads ${report.targets.length === 1 ? 'it' : 'them'} (${report.workloadsScanned} ${scanned} scanned)`,
    );
    return `${out.join('\n')}\n`;
  }
  const owned = report.workloads.some((w) => w.owner);
  const rows = report.workloads.map((w) => [
    // As kubectl -A: a NAMESPACE column first.
    ...(report.allNamespaces ? [w.namespace] : []),
    workloadRef(w),
    ...(owned ? [describeOwner(w.owner)] : []),
    paint(w.status, theme),
    w.wave === undefined || w.status === 'skipped' ? '-' : String(w.wave),
    w.references.map((r) => `${r.containerType === 'initContainer' ? 'init ' : ''}${r.container}: ${r.object} ${r.detail}`).join('\n'),
    reasonOf(w),
  ]);
  out.push(
    renderTable(
      [...(report.allNamespaces ? ['NAMESPACE'] : []), 'WORKLOAD', ...(owned ? ['OWNER'] : []), 'STATUS', 'WAVE', 'USES', 'REASON'],
      rows,
    ),
  );
  out.push(renderRestartSummary(report, theme));
  return `${out.join('\n')}\n`;
}

export function renderRestartSummary(report: RestartReport, theme: Theme): string {
  const s = report.summary;
  const restartedWord = report.dryRun === 'none' ? 'restarted' : 'would restart';
  const parts = [
    `${counted(s.consumers, 'consumer')} of ${counted(report.workloadsScanned, 'workload')}`,
    s.restarted > 0 ? theme.changed(`${restartedWord} ${s.restarted}`) : `${restartedWord} 0`,
    s.skipped > 0 ? theme.same(`skipped ${s.skipped}`) : 'skipped 0',
    s.failed > 0 ? theme.warning(`failed ${s.failed}`) : 'failed 0',
  ];
  return `Summary: ${parts.join(' · ')}`;
}

function paint(status: WorkloadOutcome['status'], theme: Theme): string {
  const text = STATUS_TEXT[status];
  // A restart changes the target's pods: a change, red, as in every other command.
  if (status === 'failed') return theme.warning(text);
  if (status === 'skipped') return theme.same(text);
  return theme.changed(text);
}

function reasonOf(w: WorkloadOutcome): string {
  const parts: string[] = [];
  if (w.reason) parts.push(w.reason);
  if (w.rollout?.state === 'complete') parts.push(`rollout: ${w.rollout.message}`);
  return wrap(parts.join('; '), 60);
}

/** Long reasons (kubectl's wording, API errors) wrap inside their cell instead of widening the table. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
