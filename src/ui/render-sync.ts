import type {ValueView} from '../core/diff.js';
import {describeOwner} from '../core/owners.js';
import {isWritable, type KeyChange, type PlannedObject, type SyncPlan} from '../core/sync-plan.js';
import {locationName, objectRef} from '../core/types.js';
import type {ObjectResult, SyncResult} from '../core/contracts/sync-result.js';
import type {RunRecord} from '../core/journal.js';
import type {UndoResult} from '../core/undo-plan.js';
import {renderPathChange, valueCells} from './render-diff.js';
import {ownerColumn} from './columns.js';
import {displayWidth} from './columns.js';
import {fromTo, middleCut, renderWarning, wrapUnder} from './messages.js';
import {cutDistinct, joinFitted, naturalTableWidth, renderTable, shorten, showValue, wrapWords} from './table.js';
import {changeLegend, type Theme} from './theme.js';
import {actionWord, counted, countedAction} from '../core/words.js';

/** Value previews in a review line get at least this many columns, however narrow the terminal. */
const MIN_PREVIEW_WIDTH = 12;
/** Without a width to fit, previews are this wide. */
const DEFAULT_PREVIEW_WIDTH = 24;
/** However wide the terminal: the review is a summary, and the paths under a structured value say the rest (-o wide shows all). */
const MAX_PREVIEW_WIDTH = 40;

/** A short preview of a value for prompts and reviews: masked Secret values show their fingerprint. */
export function previewValue(view: ValueView | undefined, width = 24): string {
  if (!view) return '-';
  if (view.sha256) return `${view.size} B sha256:${view.sha256.slice(0, 8)}`;
  if (view.masked) return `***${view.fingerprint ? ` (${view.fingerprint})` : ''}`;
  return showValue(view.value ?? '', width);
}

/**
 * One key of the review: `~ key: now → after`. Given the columns the line may use, the previews
 * share what the key's name leaves (never below MIN_PREVIEW_WIDTH); without, 24 columns each.
 */
export function renderKeyChange(change: KeyChange, theme: Theme, width?: number, name = keyLabel(change)): string {
  const room = (values: number, extra: number) =>
    width === undefined
      ? DEFAULT_PREVIEW_WIDTH
      : Number.isFinite(width)
        ? Math.min(MAX_PREVIEW_WIDTH, Math.max(MIN_PREVIEW_WIDTH, Math.floor((width - displayWidth(name) - extra) / values)))
        : Number.MAX_SAFE_INTEGER;
  // "+ name: value"
  if (change.change === 'added') return theme.added(`+ ${name}: ${previewValue(change.source, room(1, 4))}`);
  if (change.change === 'removed') return theme.removed(`- ${name}: ${previewValue(change.target, room(1, 4))}`);
  // "~ name: now → after". Never cut both before their first difference ({"shards": 3, "replicas… twice).
  const [after, now] = valueCells({status: 'different', source: change.source, target: change.target}, room(2, 7));
  return theme.changed(`~ ${name}: ${now} → ${after}`);
}

function keyLabel(change: KeyChange): string {
  return change.section === 'binaryData' ? `${change.key} (binary)` : change.key;
}

/** The review shown before confirming, and the --dry-run=client table: exactly what would be written. */
export function renderSyncPlan(plan: SyncPlan, theme: Theme, options: {showAll?: boolean; width?: number} = {}): string {
  const out: string[] = [
    ...fromTo('Sync plan: ', locationName(plan.source), locationName(plan.target), options.width).map((line) => theme.bold(line)),
    changeLegend(theme, options.width),
  ];
  const shown = plan.objects.filter(
    (object) =>
      options.showAll || !(object.action === 'unchanged' || (object.action === 'skipped' && object.reason !== 'no keys selected')),
  );
  // Object names in one column, so the actions line up; a name too wide for the terminal is cut in the middle.
  const refWidth = Math.min(
    Math.max(0, ...shown.map((object) => displayWidth(objectRef(object)))),
    options.width === undefined ? Number.POSITIVE_INFINITY : Math.max(20, options.width - 40),
  );
  for (const object of shown) out.push(renderPlannedObject(object, theme, options.width, refWidth));
  for (const object of plan.objects)
    if (object.ownerWarning && isWritable(object)) out.push(renderWarning(object.ownerWarning, theme, options.width));
  const s = plan.summary;
  const counts = [
    `${s.create} to create`,
    `${s.update} to update`,
    `${s.recreate} to recreate`,
    `${s.unchanged} unchanged`,
    `${s.skipped} skipped`,
    ...(s.refused > 0 ? [theme.warning(`${s.refused} refused`)] : []),
  ];
  out.push(joinFitted('Plan: ', counts, options.width, ', '));
  return `${out.join('\n')}\n`;
}

const KEY_CHANGE_NOUN = {added: 'addition', changed: 'change', removed: 'removal'} as const;

/** Indents of the review: a key under its object, a path under its key. */
const KEY_INDENT = '    ';
const PATH_INDENT = '        ';

function renderPlannedObject(object: PlannedObject, theme: Theme, width: number | undefined, refWidth: number): string {
  const lines: string[] = [];
  const counts = (['added', 'changed', 'removed'] as const)
    .map((c) => [c, object.keys.filter((k) => k.change === c).length] as const)
    .filter(([, n]) => n > 0)
    // A review is a preview: it counts changes (nouns), never claims them done ("1 removed").
    .map(([c, n]) => counted(n, KEY_CHANGE_NOUN[c]))
    .join(', ');
  const head =
    object.problems.length > 0
      ? theme.warning(`refused`)
      : object.action === 'skipped'
        ? theme.dim(`skipped (${object.reason})`)
        : actionText(object, theme);
  const rest = `${head}${counts ? `   ${counts}` : ''}${object.owner ? `   owner: ${describeOwner(object.owner)}` : ''}`;
  const column = Math.max(12, Math.min(refWidth, (width ?? Number.POSITIVE_INFINITY) - 3 - displayWidth(rest)));
  const ref = middleCut(objectRef(object), column);
  lines.push(`${theme.bold(ref)}${' '.repeat(column - displayWidth(ref))}   ${rest}`);
  const keyWidth = width === undefined ? undefined : width - KEY_INDENT.length;
  // Key names leave each value at least MIN_PREVIEW_WIDTH ("~ " ": " " → " take 7); two keys are never cut alike.
  const nameRoom =
    keyWidth === undefined || !Number.isFinite(keyWidth) ? Number.POSITIVE_INFINITY : Math.max(12, keyWidth - 7 - 2 * MIN_PREVIEW_WIDTH);
  const names = cutDistinct(object.keys.map(keyLabel), nameRoom, (text, room) => middleCut(text, room));
  for (const [i, change] of object.keys.entries()) {
    lines.push(`${KEY_INDENT}${renderKeyChange(change, theme, keyWidth, names[i])}`);
    // Inside a structured value, the paths that change say more than two shortened texts.
    for (const path of change.paths ?? [])
      lines.push(
        width === undefined ? PATH_INDENT + renderPathChange(path, theme) : renderPathChange(path, theme, {width, indent: PATH_INDENT}),
      );
  }
  for (const problem of object.problems)
    lines.push(
      ...wrapUnder(`${KEY_INDENT}! `, problem, width)
        .split('\n')
        .map((line) => theme.warning(line)),
    );
  return lines.join('\n');
}

function actionText(object: PlannedObject, theme: Theme): string {
  if (object.action === 'create') return theme.added('+ create');
  if (object.action === 'recreate') return theme.removed('- recreate (delete, then create)');
  if (object.action === 'update') return theme.changed('~ update');
  return theme.same(object.action);
}

export function renderSyncResult(result: SyncResult, theme: Theme, width?: number): string {
  const rows = result.objects
    .filter((o) => o.outcome !== 'skipped' || o.reason === 'no keys selected')
    .map((o) =>
      ownerColumn(
        [objectRef(o), o.action, describeOwner(o.owner), paintOutcome(o, theme, result.dryRun === 'server'), detailOf(o)],
        result.objects,
        2,
      ),
    );
  const out: string[] = [];
  const head = ownerColumn(['OBJECT', 'ACTION', 'OWNER', 'RESULT', 'KEYS'], result.objects, 2);
  if (rows.length > 0) out.push(renderTable(head, rows, {width, wrap: [head.length - 1], keep: [1, head.indexOf('RESULT')]}));
  const s = result.summary;
  const counts = [
    `${countedAction(s.written, 'write', result.dryRun)}${result.dryRun === 'server' ? ' (server dry run)' : ''}`,
    `${s.unchanged} unchanged`,
    `${s.skipped} skipped`,
    s.failed > 0 ? theme.warning(`${s.failed} failed`) : '0 failed',
    ...(result.runId ? [`run ${result.runId}`] : []),
  ];
  out.push(joinFitted(`${locationName(result.source)} → ${locationName(result.target)}: `, counts, width, ', '));
  return `${out.join('\n')}\n`;
}

function paintOutcome(object: ObjectResult, theme: Theme, dryRun: boolean): string {
  // Results are not changes: only what needs a look is coloured.
  if (object.outcome === 'written') return actionWord('write', dryRun);
  if (object.outcome === 'failed') return theme.warning(object.conflict ? 'conflict' : 'failed');
  return theme.same(object.outcome);
}

function detailOf(object: ObjectResult): string {
  if (object.error) return shorten(object.error, 200);
  if (object.keys.length === 0) return object.reason ?? '';
  const sign = {added: '+', changed: '~', removed: '-'} as const;
  return shorten(object.keys.map((k) => `${sign[k.change]}${k.key}`).join(' '), 80);
}

/** Each object once, with how many locations when a run (a fanout) wrote it in several: "configmap/ca-bundle in 6 namespaces". */
function objectsTouched(entries: RunRecord['entries']): string {
  const where = new Map<string, Set<string>>();
  for (const entry of entries)
    where.set(objectRef(entry), (where.get(objectRef(entry)) ?? new Set()).add(`${entry.context}/${entry.namespace}`));
  const parts = [...where].map(([ref, places]) => (places.size > 1 ? `${ref} in ${places.size} namespaces` : ref));
  return parts.join(', ') || '-';
}

export function renderRunList(records: RunRecord[], theme: Theme, width?: number): string {
  if (records.length === 0) return 'No runs recorded.\n';
  const rows = records.map((r) => {
    const touched = r.entries.filter((e) => e.outcome !== 'failed' || e.mayBeAbsent);
    const where =
      r.source && r.target ? `${r.source.context}/${r.source.namespace} → ${r.target.context}/${r.target.namespace}` : r.command;
    return [
      r.runId,
      r.createdAt.replace(/\.\d{3}Z$/, 'Z'),
      where,
      objectsTouched(touched),
      r.undoneAt
        ? theme.dim(`undone ${r.undoneAt.replace(/\.\d{3}Z$/, 'Z')}`)
        : touched.length > 0
          ? 'undoable'
          : theme.dim('nothing written'),
    ];
  });
  const head = ['RUN ID', 'TIME', 'WHERE', 'OBJECTS', 'STATE'];
  // The run id is what one copies, the time and state are short: they stay whole. WHERE wraps; OBJECTS too,
  // or, when the terminal has no room for it as a column, goes under its row; three lines at most, then "…".
  const objectsBelow = width !== undefined && naturalTableWidth(head, rows) > width;
  if (!objectsBelow) return `${renderTable(head, rows, {width, keep: [0, 1, 4], wrap: [2, 3], maxLines: 3})}\n`;
  const without = (row: string[]) => row.filter((_, i) => i !== 3);
  const objects = rows.map((row) => {
    const lines = wrapWords(row[3], width - 4);
    return lines.length <= 3 ? lines.join(' ') : `${lines.slice(0, 3).join(' ')} …`;
  });
  return `${renderTable(without(head), rows.map(without), {width, keep: [0, 1, 3], wrap: [2], maxLines: 3, below: objects})}\n`;
}

export function renderUndoResult(result: UndoResult, theme: Theme, width?: number): string {
  // Results are not changes (as in the sync result): only what needs a look is coloured.
  const outcome = {
    failed: theme.warning('failed'),
    restored: actionWord('restore', false),
    'would-restore': actionWord('restore', true),
    skipped: theme.same('skipped'),
  };
  const rows = result.objects.map((o) =>
    ownerColumn(
      [
        `${o.context}/${o.namespace}`,
        objectRef(o),
        o.action,
        describeOwner(o.owner),
        outcome[o.outcome],
        shorten(o.error ?? o.reason ?? '', 200),
      ],
      result.objects,
      3,
    ),
  );
  const s = result.summary;
  const done =
    result.dryRun === 'none'
      ? countedAction(s.restored, 'restore', 'none')
      : `${countedAction(s['would-restore'], 'restore', result.dryRun)} (dry run: ${result.dryRun}, nothing written)`;
  const head = ownerColumn(['WHERE', 'OBJECT', 'ACTION', 'OWNER', 'RESULT', 'DETAIL'], result.objects, 3);
  const summary = wrapUnder(`undo ${result.runId}: `, `${done}, ${s.skipped} skipped, ${s.failed} failed`, width);
  return `${renderTable(head, rows, {width, wrap: [head.length - 1], keep: [2, head.indexOf('RESULT')]})}\n${summary}\n`;
}
