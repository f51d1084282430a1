import {structuredPatch} from 'diff';
import type {DiffReport, KeyDiff, ObjectDiff, ValueView} from '../core/diff.js';
import type {PathChange} from '../core/structured.js';
import type {KeySetter} from '../core/blame.js';
import {describeOwner} from '../core/owners.js';
import {locationName, objectRef} from '../core/types.js';
import {displayWidth, renderColumns} from './columns.js';
import {cutDistinct, escapeNonAscii, joinFitted, markInvisible, shorten, shortenMiddle, showValue} from './table.js';
import {towardTarget} from '../core/sync-plan.js';
import {CHANGE_SYMBOL, changeLegend, type ChangeKind, type Theme} from './theme.js';
import {counted} from '../core/words.js';
import {fromTo, middleCut} from './messages.js';

export interface DiffRenderOptions {
  /** Lines of context around each change in value diffs (-C). */
  context: number;
  hideIdentical: boolean;
  /** Only the summary. */
  quiet: boolean;
  /** diff --owners: the owner of each object on each side. */
  owners?: boolean;
  /** diff --blame: who last set each differing key on each side. */
  blame?: boolean;
  /** Columns the key tables may use (outputWidth); without it, values are cut at 40 characters. */
  width?: number;
  /** Values in full on one line, however wide the table gets. */
  fullValues?: boolean;
  /** Leave identical keys out of the tables; undefined: only for objects with more than HIDE_IDENTICAL_KEYS_ABOVE keys. */
  hideIdenticalKeys?: boolean;
}

/** Above this many keys, an object's table lists only the keys that differ (with a note saying how many were hidden). */
export const HIDE_IDENTICAL_KEYS_ABOVE = 20;

/** The narrowest a value cell gets, however narrow the terminal. */
const MIN_VALUE_WIDTH = 12;
/** The narrowest the key column gets before values are cut below MIN_VALUE_WIDTH. */
const MIN_KEY_WIDTH = 14;

/** A key's status in the words of every command (diff table, key picker). */
export const STATUS_TEXT: Record<KeyDiff['status'], string> = {
  identical: 'identical',
  different: 'different',
  'missing-in-target': 'missing in target',
  'missing-in-source': 'missing in source',
};

export function renderDiffReport(report: DiffReport, theme: Theme, options: DiffRenderOptions): string {
  const out: string[] = [];
  const from = locationName(report.source);
  const to = locationName(report.target);
  const kinds = report.kinds.map((k) => (k === 'Secret' ? 'Secrets' : 'ConfigMaps')).join(' and ');
  out.push(...fromTo(`${kinds}: `, from, to, options.width).map((line) => theme.bold(line)));
  out.push(renderSummary(report, theme, options.width));
  if (options.quiet) return `${out.join('\n')}\n`;
  if (report.objects.some((o) => !o.ignored && o.status !== 'identical')) out.push(changeLegend(theme, options.width));

  // One-line entries first, then the blocks of differing objects: on a terminal
  // the differences are what stays on screen.
  const oneLiners: string[] = [];
  const blocks: string[] = [];
  for (const object of report.objects) {
    if (object.ignored) {
      oneLiners.push(`${theme.dim(objectRef(object))}   ${theme.dim('ignored by rule')}`);
      continue;
    }
    if (object.status === 'identical') {
      if (options.hideIdentical) continue;
      const ignored = object.keys.filter((k) => k.ignored).length;
      const ignoredNote = ignored > 0 ? `, ${ignored} ignored ${ignored === 1 ? 'difference' : 'differences'}` : '';
      oneLiners.push(
        `${objectRef(object)}   ${theme.same(`identical (${counted(object.keys.length, 'key')}${ignoredNote})`)}${options.owners ? `   ${ownersLine(object)}` : ''}`,
      );
      continue;
    }
    blocks.push(renderObject(object, theme, options));
  }
  if (oneLiners.length > 0) out.push('', ...oneLiners);
  for (const block of blocks) out.push('', block);
  return `${out.join('\n')}\n`;
}

export function renderSummary(report: DiffReport, theme: Theme, width?: number): string {
  const s = report.summary;
  const cells = [
    ['total', s.total, (t: string) => t],
    ['identical', s.identical, theme.same],
    ['different', s.different, theme.changed],
    ['missing in target', s.missingInTarget, theme.added],
    ['missing in source', s.missingInSource, theme.removed],
  ] as const;
  const parts = cells.map(([label, count, paint]) => (count > 0 ? paint(`${label} ${count}`) : `${label} ${count}`));
  if (s.ignoredObjects + s.ignoredKeys > 0)
    parts.push(theme.dim(`ignored ${counted(s.ignoredObjects, 'object')}, ${counted(s.ignoredKeys, 'key')}`));
  return joinFitted('Summary: ', parts, width);
}

function renderObject(object: ObjectDiff, theme: Theme, options: DiffRenderOptions): string {
  const lines: string[] = [];
  // sync never deletes an object the source lacks: it is shown as it stays, not as removed.
  const kept = object.status === 'missing-in-source';
  const status = kept ? `${STATUS_TEXT[object.status]}: sync leaves it` : STATUS_TEXT[object.status];
  const kind = kept ? 'same' : changeKindOf(object.status);
  const statusWords = kept ? status : `${CHANGE_SYMBOL[kind]} ${status}`;
  const immutable = object.target?.immutable ? '   (immutable in target)' : '';
  // A name of up to 253 characters: cut in the middle so the status stays on its line.
  const room = options.width === undefined ? Number.POSITIVE_INFINITY : options.width - 3 - displayWidth(statusWords + immutable);
  lines.push(
    `${theme.bold(middleCut(objectRef(object), Math.max(20, room)))}   ${theme[kind](statusWords)}${immutable ? theme.dim(immutable) : ''}`,
  );
  if (options.owners) lines.push(`  ${ownersLine(object)}`);
  if (object.typeChange) {
    lines.push(theme.changed(`  ~ type: ${object.typeChange.target ?? 'Opaque'} → ${object.typeChange.source ?? 'Opaque'}`));
  }
  const hideKeys = options.hideIdenticalKeys ?? object.keys.length > HIDE_IDENTICAL_KEYS_ABOVE;
  const shown = hideKeys ? object.keys.filter((k) => k.status !== 'identical' || k.ignored) : object.keys;
  // Target first: each row reads "target now → target after a sync", as every other command does.
  const keyNames = shown.map((key) => (key.section === 'binaryData' && !key.targetSection ? `${key.key} (binary)` : key.key));
  const labels = shown.map((key, i) => {
    const kind = key.ignored || kept ? 'same' : changeKindOf(key.status);
    return [
      `${CHANGE_SYMBOL[kind]} ${keyNames[i]}`,
      key.ignored
        ? theme.dim(`${statusText(key, object.kind)} (ignored)`)
        : kept
          ? theme.dim('kept')
          : theme[kind](statusText(key, object.kind)),
    ];
  });
  // Short headers (the title names source and target), no wider than the narrowest value cell.
  const blameHeaders = options.blame ? ['SET IN TARGET BY', 'SET IN SOURCE BY'] : [];
  const head = ['  KEY', 'STATUS', 'TARGET NOW', 'AFTER SYNC', ...blameHeaders];
  const {valueWidth, keyWidth} = columnWidthsFor(options, head, labels);
  // A key name wider than its column keeps its start and end: "~ application.pro…ties".
  // Two different keys are never cut alike (they are shown around where they differ); the symbol stays.
  cutDistinct(keyNames, keyWidth - 2, cutMiddle).forEach((cut, i) => (labels[i][0] = `${labels[i][0].slice(0, 2)}${cut}`));
  const rows = shown.map((key, i) => {
    const [source, target] = valueCells(key, valueWidth);
    return [
      ...labels[i],
      target,
      kept ? target : source,
      ...(options.blame ? [setter(key.status, key.blame?.target), setter(key.status, key.blame?.source)] : []),
    ];
  });
  lines.push(renderColumns(head, rows, '  '));
  const hidden = object.keys.length - shown.length;
  if (hidden > 0) lines.push(theme.dim(`  (${counted(hidden, 'identical key')} hidden; --no-hide-identical-keys lists them)`));
  for (const key of object.keys) {
    if (key.status !== 'different' || key.ignored) continue;
    const detail = renderKeyDetail(key, theme, options);
    if (detail) lines.push('', detail);
  }
  return lines.join('\n');
}

function ownersLine(object: ObjectDiff): string {
  const side = (s: ObjectDiff['source']) => (s ? describeOwner(s.owner ?? undefined) : 'absent');
  return `owner: source ${side(object.source)} · target ${side(object.target)}`;
}

/** "kubectl-edit 2026-01-02T03:04:05Z"; "-" for identical keys and keys no manager claims. */
function setter(status: KeyDiff['status'], by: KeySetter | undefined): string {
  if (status === 'identical' || !by) return '-';
  return by.time ? `${by.manager} ${by.time.replace(/\.\d{3}Z$/, 'Z')}` : by.manager;
}

/**
 * The widths that make the table fit: the value cells get what the key and status columns leave,
 * split in two; when that is under MIN_VALUE_WIDTH, the key column gives up room first.
 */
function columnWidthsFor(options: DiffRenderOptions, head: string[], labels: string[][]): {valueWidth: number; keyWidth: number} {
  const widest = (column: number) => Math.max(displayWidth(head[column]), ...labels.map((l) => displayWidth(l[column])));
  const naturalKey = widest(0);
  if (options.fullValues || options.width === Number.POSITIVE_INFINITY) return {valueWidth: Number.MAX_SAFE_INTEGER, keyWidth: naturalKey};
  if (options.width === undefined) return {valueWidth: 40, keyWidth: naturalKey};
  // Indent 2, three gaps of 3.
  const fixed = 2 + widest(1) + 9;
  const keyWidth = Math.min(naturalKey, Math.max(MIN_KEY_WIDTH, options.width - fixed - 2 * MIN_VALUE_WIDTH));
  return {valueWidth: Math.max(MIN_VALUE_WIDTH, Math.floor((options.width - fixed - keyWidth) / 2)), keyWidth};
}

/** The start and the end of a label, with "…" between, in `width` columns. */
function cutMiddle(text: string, width: number): string {
  return shortenMiddle(text, width, 1 / 2);
}

/** A Secret has one section in the API: a value that is text on one side only has simply changed. */
function statusText(key: KeyDiff, kind: ObjectDiff['kind']): string {
  if (!key.targetSection || kind === 'Secret') return STATUS_TEXT[key.status];
  return key.sameBytes ? `moved to ${key.targetSection}, same bytes` : `moved to ${key.targetSection} and changed`;
}

/** What a sync would do to the target: a key missing in the target is added, one missing in the source removed (--prune). */
export function changeKindOf(status: KeyDiff['status']): ChangeKind {
  if (status === 'identical') return 'same';
  if (status === 'different') return 'changed';
  return status === 'missing-in-target' ? 'added' : 'removed';
}

function cell(view: ValueView | undefined, width: number): string {
  if (!view) return '-';
  // In a narrow column the labels go first and the digits stay: two different values never read alike.
  if (view.sha256) {
    const full = `${view.size} B sha256:${view.sha256.slice(0, 12)}`;
    return full.length <= width ? full : `${view.size} B ${view.sha256.slice(0, Math.max(6, width - `${view.size} B `.length))}`;
  }
  if (view.masked) {
    const full = `*** (${view.fingerprint})`;
    return full.length <= width ? full : `*** ${view.fingerprint}`;
  }
  return showValue(view.value ?? '', width);
}

/**
 * Both value cells of a row. Values that differ never print alike: cells equal up to
 * Unicode normalisation (NFC against NFD "é", "ﬁ" against "fi") escape every non-ASCII character.
 */
export function valueCells(key: Pick<KeyDiff, 'status' | 'source' | 'target'>, width = 40): [string, string] {
  let source = cell(key.source, width);
  let target = cell(key.target, width);
  let a = key.source?.value;
  let b = key.target?.value;
  if (key.status !== 'different' || a === undefined || b === undefined || a === b) return [source, target];
  // Compared whole: two values cut alike are handled below, by showing where they differ.
  const whole = Number.MAX_SAFE_INTEGER;
  if (showValue(a, whole).normalize('NFKC') === showValue(b, whole).normalize('NFKC')) {
    a = escapeNonAscii(a);
    b = escapeNonAscii(b);
    source = showValue(a, width);
    target = showValue(b, width);
  }
  // Cut before the first difference, two cells would read alike: show the part that differs.
  if (source === target || (source.endsWith('…') && target.endsWith('…') && source.slice(0, -1) === target.slice(0, -1))) {
    return aroundFirstDifference(a, b, width - 1);
  }
  return [source, target];
}

/** Path-level changes for structured values, then a unified line diff for multi-line text. */
function renderKeyDetail(key: KeyDiff, theme: Theme, options: DiffRenderOptions): string | undefined {
  const a = key.source?.value;
  const b = key.target?.value;
  // A trailing newline (YAML's "|" block) does not make a one-line value multi-line.
  const multiLine = a !== undefined && b !== undefined && (a.trimEnd().includes('\n') || b.trimEnd().includes('\n'));
  const structured = key.changes !== undefined && key.changes.length > 0;
  // A long one-line value is cut in the table: show both around the first difference.
  const long = !multiLine && !structured && a !== undefined && b !== undefined && (shorten(a) !== a || shorten(b) !== b);
  if (!multiLine && !structured && !long) return undefined;
  const lines = [`  ${theme.bold(key.key)}${structured ? ` (${key.format})` : ''}:`];
  const width = options.width ?? Number.POSITIVE_INFINITY;
  if (structured) for (const change of key.changes!) lines.push(renderPathChange(towardTarget(change), theme, {width, indent: '    '}));
  if (multiLine) lines.push(renderLineDiff(key.key, b, a, theme, options.context));
  if (long) {
    const [now, after] = aroundFirstDifference(b, a, Number.isFinite(width) ? Math.max(MIN_VALUE_WIDTH, Math.min(100, width - 5)) : 100);
    lines.push(theme.removed(`  - ${now}`), theme.added(`  + ${after}`));
  }
  return lines.join('\n');
}

/** Line counts of both values and where they first differ. */
function lineSummary(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  let first = 0;
  while (first < left.length && first < right.length && left[first] === right[first]) first++;
  return `${left.length} and ${right.length} lines, first difference at line ${first + 1}`;
}

/** Both values from a little before their first difference, each at most `width` characters. */
export function aroundFirstDifference(a: string, b: string, width: number): [string, string] {
  // By character, not UTF-16 unit: an emoji is never split in two.
  const [x, y] = [[...a], [...b]];
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  // A little context before the difference, never so much that a narrow cell cuts the difference off.
  const from = Math.max(0, start - Math.min(20, Math.floor(width / 3)));
  const cut = (chars: string[]) => (from > 0 ? `…${showValue(chars.slice(from).join(''), width - 1)}` : showValue(chars.join(''), width));
  return [cut(x), cut(y)];
}

/**
 * One change inside a structured value: `~ path: now → after`. Given a width (and the indent the
 * line is printed at), a change too wide for one line puts each value on a line of its own under
 * the path, and values are cut to fit.
 */
export function renderPathChange(change: PathChange, theme: Theme, fit?: {width: number; indent: string}): string {
  const valueWidth = fit && Number.isFinite(fit.width) ? Math.max(MIN_VALUE_WIDTH, Math.min(60, fit.width - fit.indent.length - 4)) : 60;
  const show = (v: string | undefined) => (v === undefined ? '***' : showValue(v, valueWidth));
  let paint: (text: string) => string;
  let symbol: string;
  let values: string[];
  if (change.change === 'added') [paint, symbol, values] = [theme.added, '+', [show(change.new)]];
  else if (change.change === 'removed') [paint, symbol, values] = [theme.removed, '-', [show(change.old)]];
  else if (change.oldType !== undefined && change.newType !== undefined) {
    // A type change: strings quoted, so "8080" and 8080 read differently.
    const typed = (v: string | undefined, type: string) =>
      v === undefined ? '***' : `${type === 'string' ? showValue(JSON.stringify(v), valueWidth) : showValue(v, valueWidth)} (${type})`;
    [paint, symbol, values] = [theme.changed, '~', [typed(change.old, change.oldType), typed(change.new, change.newType)]];
  } else [paint, symbol, values] = [theme.changed, '~', [show(change.old), show(change.new)]];
  const oneLine = `${symbol} ${change.path}: ${values.join(' → ')}`;
  if (!fit) return paint(oneLine);
  if (displayWidth(fit.indent + oneLine) <= fit.width) return fit.indent + paint(oneLine);
  const lines = [`${symbol} ${change.path}:`, `    ${values[0]}`, ...(values.length > 1 ? [`  → ${values[1]}`] : [])];
  return lines.map((line) => fit.indent + paint(line)).join('\n');
}

/**
 * Bounds of the line diff: Myers' algorithm is quadratic when two values differ in
 * most lines (two different 5,000-line values took seconds). Past either bound the
 * diff is left out with a summary that says so.
 */
export const LINE_DIFF_LIMITS = {maxEditLength: 1000, timeoutMs: 250};

/** A unified diff from the target's value now (`a`) to the value after a sync (`b`). */
export function renderLineDiff(name: string, a: string, b: string, theme: Theme, context: number): string {
  const patch = structuredPatch(`target/${name}`, `after-sync/${name}`, a, b, undefined, undefined, {
    context,
    maxEditLength: LINE_DIFF_LIMITS.maxEditLength,
    timeout: LINE_DIFF_LIMITS.timeoutMs,
  });
  const lines = [theme.removed(`  --- target/${name}`), theme.added(`  +++ after-sync/${name}`)];
  if (!patch) {
    lines.push(
      theme.dim(
        `  (line diff left out: ${lineSummary(a, b)}; more than ${LINE_DIFF_LIMITS.maxEditLength} lines differ or it took over ${LINE_DIFF_LIMITS.timeoutMs} ms)`,
      ),
    );
    return lines.join('\n');
  }
  for (const hunk of patch.hunks) {
    lines.push(theme.dim(`  @@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) continue;
      const text = `  ${line[0]}${shorten(markInvisible(line.slice(1)), 199)}`;
      lines.push(line.startsWith('+') ? theme.added(text) : line.startsWith('-') ? theme.removed(text) : text);
    }
  }
  return lines.join('\n');
}
