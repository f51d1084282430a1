import {isWrite, type FanoutEntry, type FanoutPlan, type FanoutStatus, type SourceRef} from '../core/fanout-plan.js';
import type {ContextError, FanoutOutcome} from '../core/contracts/fanout-documents.js';
import {describeOwner, type Owner} from '../core/owners.js';
import {ownerColumn} from './columns.js';
import {renderWarning} from './messages.js';
import {joinFitted, renderTable} from './table.js';
import {changeLegend, type ChangeKind, type Theme} from './theme.js';
import {actionWord, counted, countedAction} from '../core/words.js';

/** The kind/name of a source the way users type it. */
export function sourceName(ref: Pick<SourceRef, 'kind' | 'name' | 'namespace' | 'context'>): string {
  return `${ref.kind === 'Secret' ? 'secret' : 'configmap'}/${ref.name} in ${ref.context}/${ref.namespace}`;
}

/** What one result row says, for tables and for the watch log. */
export interface FanoutRow {
  context: string;
  namespace: string;
  action: FanoutEntry['action'];
  conflict?: FanoutEntry['conflict'];
  changes?: string[];
  recreate?: boolean;
  /** A copy marked by an earlier version, rewritten once to the cluster identity. */
  migrate?: boolean;
  outcome?: FanoutOutcome;
  message?: string;
  /** Why the plan chose this action (prune, error). */
  reason?: string;
  /** Who else owns the target object. */
  owner?: Owner;
}

const ACTION_WORDS: Record<FanoutEntry['action'], string> = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  prune: 'prune',
  conflict: 'conflict',
  error: 'error',
};

/** What the action does to the target, in the colours and symbols of every other command. */
const ACTION_KIND: Record<FanoutEntry['action'], ChangeKind | 'warning'> = {
  create: 'added',
  update: 'changed',
  prune: 'removed',
  unchanged: 'same',
  conflict: 'warning',
  error: 'warning',
};

function paintAction(action: FanoutEntry['action'], theme: Theme): string {
  const kind = ACTION_KIND[action];
  // The word says what happens; colour repeats it, so no symbol is needed in this column.
  return kind === 'warning' ? theme.warning(ACTION_WORDS[action]) : theme[kind](ACTION_WORDS[action]);
}

/** A result row with what its plan entry said (what changed, why a prune): the result restates the plan it carried out. */
function withPlannedDetail(plan: FanoutPlan, row: FanoutRow): FanoutRow {
  const entry = plan.entries.find((e) => e.context === row.context && e.namespace === row.namespace && e.action === row.action);
  if (!entry) return row;
  return {changes: entry.changes, recreate: entry.recreate, migrate: entry.migrate, reason: entry.reason, ...row};
}

/** `dryRun`: a plan or a dry run's result, which says what would happen; a done row says what did. */
export function describeRow(row: FanoutRow, dryRun = row.outcome !== 'done'): string {
  const parts: string[] = [];
  if (row.conflict === 'skip') parts.push('not a copy of this source: skipped (--on-conflict overwrite|adopt)');
  else if (row.conflict === 'overwrite')
    parts.push(dryRun ? 'not a copy: would overwrite its data, not mark it' : 'not a copy: data overwritten, left unmarked');
  else if (row.conflict === 'adopt') parts.push(`not a copy: ${actionWord('adopt', dryRun)}`);
  else if (row.conflict === 'kubed-copy') parts.push(`Kubed copy: ${actionWord('adopt', dryRun)}`);
  if (row.changes?.length) parts.push(`changed: ${row.changes.join(', ')}`);
  if (row.recreate) parts.push('immutable: delete and create');
  if (row.migrate) parts.push('origin marked by an earlier version: now the cluster identity');
  if (row.action === 'prune' || row.action === 'error') {
    if (row.reason && row.reason !== row.message) parts.push(row.reason);
  }
  if (row.message && !(row.conflict === 'skip' && row.outcome !== 'failed')) parts.push(row.message);
  return parts.join('; ');
}

/** The plan: one row per context and namespace, then a summary line. */
export function renderFanoutPlan(
  plan: FanoutPlan,
  theme: Theme,
  options: {title?: string; showUnchanged?: boolean; width?: number} = {},
): string {
  const out: string[] = [theme.bold(options.title ?? `Fanout of ${sourceName(plan.source)}`)];
  // Without colour the action words say it all; with colour, the legend says what the colours mean.
  if (theme.chalk.level > 0) out.push(changeLegend(theme, options.width));
  const shown = plan.entries.filter((e) => options.showUnchanged !== false || e.action !== 'unchanged');
  if (shown.length > 0) {
    const head = ownerColumn(['CONTEXT', 'NAMESPACE', 'ACTION', 'OWNER', 'DETAIL'], shown, 3);
    out.push(
      renderTable(
        head,
        shown.map((e) =>
          ownerColumn([e.context, e.namespace, paintAction(e.action, theme), describeOwner(e.owner), describeRow(e)], shown, 3),
        ),
        detailTable(options.width, head),
      ),
    );
  }
  for (const entry of plan.entries)
    if (entry.ownerWarning && isWrite(entry))
      out.push(renderWarning(`${entry.context}/${entry.namespace}: ${entry.ownerWarning}`, theme, options.width));
  out.push(renderPlanSummary(plan, options.width));
  return `${out.join('\n')}\n`;
}

/** DETAIL (the last column) wraps; ACTION stays whole; names shrink only when the terminal leaves no choice. */
function detailTable(width: number | undefined, head: string[]) {
  return {width, wrap: [head.length - 1], keep: [head.indexOf('ACTION'), head.indexOf('RESULT')].filter((i) => i >= 0)};
}

function renderPlanSummary(plan: FanoutPlan, width?: number): string {
  const s = plan.summary;
  const counts = [
    `${s.create} to create`,
    `${s.update} to update`,
    `${s.prune} to prune`,
    `${s.unchanged} unchanged`,
    counted(s.conflict, 'conflict'),
    counted(s.error, 'error'),
  ];
  return joinFitted('Plan: ', counts, width, ', ');
}

const OUTCOME_WORDS = {done: 'done', failed: 'FAILED', skipped: 'skipped', unchanged: '-'} as const;

/** After the apply: what happened to every target. */
export function renderFanoutResults(
  plan: FanoutPlan,
  results: FanoutRow[],
  theme: Theme,
  options: {dryRun?: boolean; showUnchanged?: boolean; width?: number} = {},
): string {
  const out: string[] = [theme.bold(`Fanout of ${sourceName(plan.source)}${options.dryRun ? ' (server dry run: nothing stored)' : ''}`)];
  const rows = results.filter((r) => options.showUnchanged !== false || r.action !== 'unchanged');
  if (rows.length > 0) {
    const head = ownerColumn(['CONTEXT', 'NAMESPACE', 'ACTION', 'OWNER', 'RESULT', 'DETAIL'], rows, 3);
    out.push(
      renderTable(
        head,
        rows.map((r) => {
          // A server dry run validated the write and stored nothing: it "would" happen, it is not done.
          const outcome =
            options.dryRun && r.outcome === 'done' && isVerb(r.action)
              ? actionWord(r.action, true)
              : OUTCOME_WORDS[r.outcome ?? 'unchanged'];
          return ownerColumn(
            [
              r.context,
              r.namespace,
              paintAction(r.action, theme),
              describeOwner(r.owner),
              r.outcome === 'failed' ? theme.warning(outcome) : outcome,
              describeRow(withPlannedDetail(plan, r), options.dryRun === true || r.outcome !== 'done'),
            ],
            rows,
            3,
          );
        }),
        detailTable(options.width, head),
      ),
    );
  }
  const count = (outcome: FanoutRow['outcome'], action?: FanoutEntry['action']) =>
    results.filter((r) => r.outcome === outcome && (!action || r.action === action)).length;
  const dryRun = options.dryRun === true;
  const written = [
    countedAction(count('done', 'create'), 'create', dryRun),
    countedAction(count('done', 'update'), 'update', dryRun),
    `${countedAction(count('done', 'prune'), 'prune', dryRun)}${dryRun ? ' (server-validated)' : ''}`,
  ];
  const counts = [
    ...written,
    `${count('unchanged')} unchanged`,
    `${counted(count('skipped'), 'conflict')} skipped`,
    `${count('failed')} failed`,
  ];
  out.push(joinFitted('Result: ', counts, options.width, ', '));
  return `${out.join('\n')}\n`;
}

const STATE_WORDS = {
  'in-sync': 'in sync',
  stale: 'stale (source changed)',
  edited: 'edited locally',
  orphaned: 'orphaned (source gone)',
  missing: 'missing (no copy)',
} as const;

/** What the next fanout (with --prune) would do to each copy: add a missing one, rewrite a stale or edited one, remove an orphan. */
const STATE_KIND: Record<keyof typeof STATE_WORDS, ChangeKind> = {
  'in-sync': 'same',
  stale: 'changed',
  edited: 'changed',
  orphaned: 'removed',
  missing: 'added',
};

export function renderFanoutStatus(status: FanoutStatus, theme: Theme, errors: ContextError[] = [], width?: number): string {
  const out: string[] = [theme.bold(`Copies of ${sourceName(status.source)}${status.source.exists ? '' : ' (source not found)'}`)];
  if (status.copies.length > 0) {
    out.push(
      renderTable(
        ['CONTEXT', 'NAMESPACE', 'STATE'],
        status.copies.map((c) => [c.context, c.namespace, theme[STATE_KIND[c.state]](STATE_WORDS[c.state])]),
        {width, keep: [2]},
      ),
    );
  } else out.push('no copies found');
  for (const error of errors) out.push(theme.warning(`error: context ${error.context}: ${error.message}`));
  const s = status.summary;
  const counts = [
    `${s['in-sync']} in sync`,
    `${s.stale} stale`,
    `${s.edited} edited locally`,
    `${s.orphaned} orphaned`,
    `${s.missing} missing`,
    ...(errors.length ? [`${counted(errors.length, 'context')} unreadable`] : []),
  ];
  out.push(joinFitted('Summary: ', counts, width, ', '));
  return `${out.join('\n')}\n`;
}

/** The actions that write: they are named by the one rule (`actionWord`), done or would-be. */
function isVerb(action: FanoutEntry['action']): action is 'create' | 'update' | 'prune' {
  return action === 'create' || action === 'update' || action === 'prune';
}

/** One stderr line per action in watch mode (`dryRun`: --watch --dry-run=server, which stores nothing). */
export function renderWatchLine(plan: Pick<FanoutPlan, 'source'>, row: FanoutRow, now: Date, dryRun = false): string {
  const verb = row.outcome === 'failed' ? `failed to ${row.action}` : isVerb(row.action) ? actionWord(row.action, dryRun) : row.action;
  const detail = describeRow({...row, outcome: row.outcome === 'failed' ? 'failed' : row.outcome}, dryRun || row.outcome !== 'done');
  const name = `${plan.source.kind === 'Secret' ? 'secret' : 'configmap'}/${plan.source.name}`;
  return `${now.toISOString()} ${verb} ${name} in ${row.context}/${row.namespace}${detail ? `: ${detail}` : ''}`;
}
