import type {RestartReport, WorkloadOutcome} from '../core/contracts/restart-report.js';
import {workloadRef} from '../core/consumers.js';
import {describeOwner} from '../core/owners.js';
import {describeTargets, needsNoRestart, VOLUME_ONLY_NOTE} from '../core/restart-plan.js';
import {joinFitted, naturalTableWidth, renderTable, wrapWords} from './table.js';
import type {Theme} from './theme.js';
import {actionWord, counted} from '../core/words.js';

/** A REASON column narrower than this reads badly: the reasons go under their rows instead. */
const REASON_COLUMN_MIN = 30;

const STATUS_TEXT: Record<WorkloadOutcome['status'], string> = {
  restarted: actionWord('restart', 'none'),
  'would-restart': actionWord('restart', true),
  skipped: 'skipped',
  failed: 'failed',
};

/** The per-workload table: which workload, what happened, and why it was selected. */
export function renderRestartReport(report: RestartReport, theme: Theme, options: {confirming?: boolean; width?: number} = {}): string {
  const out: string[] = [];
  const where = report.allNamespaces ? `${report.context} (all namespaces)` : `${report.context}/${report.namespace}`;
  if (report.targets.length === 0) return `Restart: no key changed in ${where}, so no workload needs a restart\n`;
  // The preview before a real restart's confirmation is not a dry run: it says what the answer "yes" does.
  const dry = options.confirming
    ? ' (to be confirmed: nothing restarted yet)'
    : report.dryRun === 'none'
      ? ''
      : ` (dry run: ${report.dryRun}, nothing written)`;
  const among = report.selector === undefined ? '' : ` among workloads matching ${report.selector}`;
  const title = `Consumers of ${describeTargets(report.targets)} in ${where}${among}`;
  out.push(
    ...fitLine(title, dry, options.width).map((line, i, all) =>
      i === all.length - 1 ? theme.bold(line) + theme.dim(line === '' ? dry.trimStart() : dry) : theme.bold(line),
    ),
  );
  if (report.workloads.length === 0) {
    const scanned = report.selector === undefined ? 'workloads' : `workloads matching ${report.selector}`;
    out.push(
      `no Deployment, StatefulSet or DaemonSet reads ${report.targets.length === 1 ? 'it' : 'them'} (${report.workloadsScanned} ${scanned} scanned)`,
    );
    return `${out.join('\n')}\n`;
  }
  const owned = report.workloads.some((w) => w.owner);
  const cells = report.workloads.map((w) => [
    // As kubectl -A: a NAMESPACE column first.
    ...(report.allNamespaces ? [w.namespace] : []),
    workloadRef(w),
    ...(owned ? [describeOwner(w.owner)] : []),
    needsNoRestart(w) ? theme.same('no restart needed') : paint(w.status, theme),
    w.wave === undefined || w.status === 'skipped' ? '-' : String(w.wave),
    w.references.map((r) => `${r.containerType === 'initContainer' ? 'init ' : ''}${r.container}: ${r.object} ${r.detail}`).join('\n'),
    reasonOf(w),
  ]);
  const head = [
    ...(report.allNamespaces ? ['NAMESPACE'] : []),
    'WORKLOAD',
    ...(owned ? ['OWNER'] : []),
    'STATUS',
    'WAVE',
    'USES',
    'REASON',
  ];
  // Too narrow for a REASON column: each reason goes under its row (↳), so names and references stay whole.
  const reasonWidth = Math.min(REASON_COLUMN_MIN, Math.max(0, ...cells.map((row) => row[row.length - 1].length)));
  const reasonsBelow =
    options.width !== undefined &&
    naturalTableWidth(
      head.slice(0, -1),
      cells.map((row) => row.slice(0, -1)),
    ) +
      3 +
      reasonWidth >
      options.width;
  const rows = reasonsBelow ? cells.map((row) => row.slice(0, -1)) : cells;
  if (reasonsBelow) head.pop();
  // USES (and REASON) wrap; status and wave stay whole; names are cut only when nothing else is left to narrow.
  out.push(
    renderTable(head, rows, {
      width: options.width,
      wrap: [head.indexOf('USES'), head.indexOf('REASON')].filter((c) => c >= 0),
      keep: [head.indexOf('STATUS'), head.indexOf('WAVE')],
      below: reasonsBelow ? cells.map((row) => row[row.length - 1] || undefined) : undefined,
    }),
  );
  out.push(renderRestartSummary(report, theme, options.width));
  return `${out.join('\n')}\n`;
}

export function renderRestartSummary(report: RestartReport, theme: Theme, width?: number): string {
  const s = report.summary;
  const restartedWord = actionWord('restart', report.dryRun);
  // Consumers that need no restart are not "skipped": nothing was left undone.
  const noRestart = report.workloads.filter(needsNoRestart).length;
  const skipped = s.skipped - noRestart;
  const parts = [
    `${counted(s.consumers, 'consumer')} of ${counted(report.workloadsScanned, 'workload')}`,
    s.restarted > 0 ? theme.changed(`${restartedWord} ${s.restarted}`) : `${restartedWord} 0`,
    ...(noRestart > 0 ? [theme.same(`no restart needed ${noRestart}`)] : []),
    skipped > 0 ? theme.same(`skipped ${skipped}`) : 'skipped 0',
    s.failed > 0 ? theme.warning(`failed ${s.failed}`) : 'failed 0',
  ];
  return joinFitted('Summary: ', parts, width);
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
  if (w.reason) parts.push(needsNoRestart(w) ? VOLUME_ONLY_NOTE : w.reason);
  if (w.rollout?.state === 'complete') parts.push(`rollout: ${w.rollout.message}`);
  return parts.join('; ');
}

/** A title and its dimmed tail, wrapped at spaces to the width; the tail stays on the last line when it fits. */
function fitLine(title: string, tail: string, width = Number.POSITIVE_INFINITY): string[] {
  if (!Number.isFinite(width) || title.length + tail.length <= width) return [title];
  const lines = wrapWords(title, width);
  if (lines[lines.length - 1].length + tail.length > width) lines.push('');
  return lines;
}
