import {structuredPatch} from 'diff';
import type {DiffReport, KeyDiff, ObjectDiff, ValueView} from '../core/diff.js';
import type {PathChange} from '../core/structured.js';
import type {KeySetter} from '../core/blame.js';
import {describeOwner} from '../core/owners.js';
import {locationName, objectRef} from '../core/types.js';
import {renderColumns} from './columns.js';
import {escapeNonAscii, markInvisible, shorten, showValue} from './table.js';
import type {Theme} from './theme.js';
import {counted} from '../core/words.js';

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
}

const STATUS_TEXT: Record<KeyDiff['status'], string> = {
  identical: 'identical',
  different: 'different',
  'missing-in-target': 'missing in target',
  'missing-in-source': 'missing in source',
};

export function renderDiffReport(report: DiffReport, theme: Theme, options: DiffRenderOptions): string {
  const out: string[] = [];
  const from = locationName(report.source);
  const to = locationName(report.target);
  out.push(theme.bold(`${report.kinds.map((k) => (k === 'Secret' ? 'Secrets' : 'ConfigMaps')).join(' and ')}: ${from} → ${to}`));
  out.push(renderSummary(report, theme));
  if (options.quiet) return `${out.join('\n')}\n`;

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
    blocks.push(renderObject(object, theme, options, from, to));
  }
  if (oneLiners.length > 0) out.push('', ...oneLiners);
  for (const block of blocks) out.push('', block);
  return `${out.join('\n')}\n`;
}

export function renderSummary(report: DiffReport, theme: Theme): string {
  const s = report.summary;
  const cells = [
    ['total', s.total, (t: string) => t],
    ['identical', s.identical, theme.same],
    ['different', s.different, theme.changed],
    ['missing in target', s.missingInTarget, theme.removed],
    ['missing in source', s.missingInSource, theme.added],
  ] as const;
  const parts = cells.map(([label, count, paint]) => (count > 0 ? paint(`${label} ${count}`) : `${label} ${count}`));
  if (s.ignoredObjects + s.ignoredKeys > 0)
    parts.push(theme.dim(`ignored ${counted(s.ignoredObjects, 'object')}, ${counted(s.ignoredKeys, 'key')}`));
  return `Summary: ${parts.join(' · ')}`;
}

function renderObject(object: ObjectDiff, theme: Theme, options: DiffRenderOptions, from: string, to: string): string {
  const lines: string[] = [];
  const status = STATUS_TEXT[object.status];
  const paint = object.status === 'different' ? theme.changed : object.status === 'missing-in-target' ? theme.removed : theme.added;
  lines.push(`${theme.bold(objectRef(object))}   ${paint(status)}${object.target?.immutable ? theme.dim('   (immutable in target)') : ''}`);
  if (options.owners) lines.push(`  ${ownersLine(object)}`);
  if (object.typeChange) {
    lines.push(`  type: ${object.typeChange.source ?? 'Opaque'} → ${object.typeChange.target ?? 'Opaque'}`);
  }
  const rows = object.keys.map((key) => [
    key.section === 'binaryData' && !key.targetSection ? `${key.key} (binary)` : key.key,
    key.ignored ? theme.dim(`${statusText(key, object.kind)} (ignored)`) : paintStatus(key.status, theme, statusText(key, object.kind)),
    ...valueCells(key),
    ...(options.blame ? [setter(key.status, key.blame?.source), setter(key.status, key.blame?.target)] : []),
  ]);
  const blameHeaders = options.blame ? ['SET IN SOURCE BY', 'SET IN TARGET BY'] : [];
  lines.push(renderColumns(['KEY', 'STATUS', `SOURCE ${from}`, `TARGET ${to}`, ...blameHeaders], rows, '  '));
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

/** A Secret has one section in the API: a value that is text on one side only has simply changed. */
function statusText(key: KeyDiff, kind: ObjectDiff['kind']): string {
  if (!key.targetSection || kind === 'Secret') return STATUS_TEXT[key.status];
  return key.sameBytes ? `moved to ${key.targetSection}, same bytes` : `moved to ${key.targetSection} and changed`;
}

function paintStatus(status: KeyDiff['status'], theme: Theme, text = STATUS_TEXT[status]): string {
  if (status === 'identical') return theme.same(text);
  if (status === 'different') return theme.changed(text);
  return status === 'missing-in-target' ? theme.removed(text) : theme.added(text);
}

function cell(view: ValueView | undefined): string {
  if (!view) return '-';
  if (view.sha256) return `${view.size} B sha256:${view.sha256.slice(0, 12)}`;
  if (view.masked) return `*** (${view.fingerprint})`;
  return showValue(view.value ?? '');
}

/**
 * Both value cells of a row. Values that differ never print alike: cells equal up to
 * Unicode normalisation (NFC against NFD "é", "ﬁ" against "fi") escape every non-ASCII character.
 */
export function valueCells(key: Pick<KeyDiff, 'status' | 'source' | 'target'>): [string, string] {
  const source = cell(key.source);
  const target = cell(key.target);
  const a = key.source?.value;
  const b = key.target?.value;
  if (
    key.status === 'different' &&
    source.normalize('NFKC') === target.normalize('NFKC') &&
    a !== undefined &&
    b !== undefined &&
    a !== b
  ) {
    return [showValue(escapeNonAscii(a)), showValue(escapeNonAscii(b))];
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
  if (structured) for (const change of key.changes!) lines.push(`    ${renderPathChange(change, theme)}`);
  if (multiLine) lines.push(renderLineDiff(key.key, a, b, theme, options.context));
  if (long) {
    const [from, to] = aroundFirstDifference(a, b, 100);
    lines.push(theme.removed(`  - ${from}`), theme.added(`  + ${to}`));
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
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  const from = Math.max(0, start - 20);
  const cut = (text: string) => (from > 0 ? '…' : '') + showValue(text.slice(from), width);
  return [cut(a), cut(b)];
}

export function renderPathChange(change: PathChange, theme: Theme): string {
  const show = (v: string | undefined) => (v === undefined ? '***' : showValue(v, 60));
  if (change.change === 'added') return theme.added(`+ ${change.path}: ${show(change.new)}`);
  if (change.change === 'removed') return theme.removed(`- ${change.path}: ${show(change.old)}`);
  if (change.oldType !== undefined && change.newType !== undefined) {
    // A type change: strings quoted, so "8080" and 8080 read differently.
    const typed = (v: string | undefined, type: string) =>
      v === undefined ? '***' : type === 'string' ? showValue(JSON.stringify(v), 60) : showValue(v, 60);
    return theme.changed(
      `~ ${change.path}: ${typed(change.old, change.oldType)} (${change.oldType}) → ${typed(change.new, change.newType)} (${change.newType})`,
    );
  }
  return theme.changed(`~ ${change.path}: ${show(change.old)} → ${show(change.new)}`);
}

/**
 * Bounds of the line diff: Myers' algorithm is quadratic when two values differ in
 * most lines (two different 5,000-line values took seconds). Past either bound the
 * diff is left out with a summary that says so.
 */
export const LINE_DIFF_LIMITS = {maxEditLength: 1000, timeoutMs: 250};

export function renderLineDiff(name: string, a: string, b: string, theme: Theme, context: number): string {
  const patch = structuredPatch(`source/${name}`, `target/${name}`, a, b, undefined, undefined, {
    context,
    maxEditLength: LINE_DIFF_LIMITS.maxEditLength,
    timeout: LINE_DIFF_LIMITS.timeoutMs,
  });
  const lines = [theme.removed(`  --- source/${name}`), theme.added(`  +++ target/${name}`)];
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
