import {
  absentAt,
  keyDiffersWherePresent,
  type FleetCell,
  type FleetGroup,
  type FleetKeyRow,
  type FleetObject,
  type FleetReport,
} from '../core/fleet.js';
import {diffStructured} from '../core/structured.js';
import {locationName, objectRef} from '../core/types.js';
import {sha256} from '../core/fingerprint.js';
import {counted} from '../core/words.js';
import {displayWidth} from './columns.js';
import {aroundFirstDifference, renderLineDiff, renderPathChange} from './render-diff.js';
import {cutDistinct, escapeNonAscii, joinFitted, markInvisible, shorten, shortenMiddle, showAround, showValue} from './table.js';
import {middleCut} from './messages.js';

export {shortenMiddle};
import type {Theme} from './theme.js';

export interface FleetRenderOptions {
  hideIdentical: boolean;
  /** Only the summary. */
  quiet: boolean;
  /** Values in full (multi-line values as indented blocks) instead of cut to one line. */
  fullValues?: boolean;
  /** Lines of context in the value diffs against the baseline. */
  context?: number;
  /** Columns the output may use (outputWidth); unlimited with -o wide. Default 80. */
  width?: number;
}

/** Space between the matrix's sections (label, cells, status) and between location cells. */
const SECTION_GAP = '  ';
const CELL_GAP = ' ';
/** The narrowest the label and status columns get, however narrow the terminal. */
const MIN_LABEL = 16;
const MIN_STATUS = 20;
/** Indent of a value line's continuation ("    A  " is seven columns). */
const VALUE_INDENT = '       ';
const BASELINE_NOTE = '  (the baseline)';
/** A cut value keeps at least this much of its start before its note gets shorter. */
const MIN_CUT_VALUE_WIDTH = 20;

/**
 * The matrix: numbered location columns (a legend maps numbers to locations), one row per
 * object and one per key that disagrees where the object exists, a group letter in each cell
 * (same letter, same value; "-" absent). The values behind the letters follow, once per
 * group; with a baseline, every other value as a change toward the baseline's.
 */
export function renderFleetReport(report: FleetReport, theme: Theme, options: FleetRenderOptions): string {
  const width = options.width ?? 80;
  const baseline = report.baseline ? report.locations.findIndex((l) => sameLocation(l, report.baseline!)) : -1;
  const out: string[] = [];
  const kinds = report.kinds.map((k) => (k === 'Secret' ? 'Secrets' : 'ConfigMaps')).join(' and ');
  out.push(theme.bold(`${kinds} across ${report.locations.length} locations`));
  out.push(renderFleetSummary(report, theme, width));
  if (options.quiet) return `${out.join('\n')}\n`;
  out.push(...renderLocationLegend(report, baseline, width, theme));

  const rows: MatrixRow[] = [];
  for (const object of report.objects) {
    if (object.status === 'identical' && !object.ignored && options.hideIdentical) continue;
    rows.push({label: objectRef(object), bold: true, cells: object.cells, status: objectStatus(object, baseline, theme)});
    if (object.ignored) continue;
    if (object.types) rows.push({label: '  (type)', cells: typeLetters(object.types).cells, status: theme.changed('different')});
    for (const key of differingKeys(object)) {
      rows.push({
        label: `  ${keyLabel(key)}`,
        cells: key.cells,
        status: key.ignored ? theme.dim('different (ignored)') : theme.changed('different'),
      });
    }
  }
  if (rows.length > 0) {
    out.push('', theme.dim(`Cells: same letter, same value · - absent${baseline >= 0 ? ' · * the baseline' : ''}`));
    out.push(renderMatrix(report, rows, baseline, width, theme));
  }

  const values = renderValues(report, baseline, theme, {...options, width});
  if (values.length > 0) out.push('', ...values);
  return `${out.join('\n')}\n`;
}

export function renderFleetSummary(report: FleetReport, theme: Theme, width?: number): string {
  const s = report.summary;
  const parts = [
    `total ${s.total}`,
    s.identical > 0 ? theme.same(`identical ${s.identical}`) : `identical ${s.identical}`,
    s.different > 0 ? theme.changed(`different ${s.different}`) : `different ${s.different}`,
    `keys that disagree ${s.differentKeys}`,
  ];
  if (s.ignoredObjects + s.ignoredKeys > 0)
    parts.push(theme.dim(`ignored ${counted(s.ignoredObjects, 'object')}, ${counted(s.ignoredKeys, 'key')}`));
  return joinFitted('Summary: ', parts, width);
}

/** "Locations:" and the numbered names, as many to a line as fit. */
function renderLocationLegend(report: FleetReport, baseline: number, width: number, theme: Theme): string[] {
  const nameWidth = Math.max(20, Math.min(width, 200) - 8);
  const numberWidth = Math.max(...report.locations.map((_, i) => columnName(i, baseline).length));
  const items = report.locations.map(
    (location, i) =>
      `${columnName(i, baseline).padStart(numberWidth)} ${shortenMiddle(locationName(location), nameWidth)}${i === baseline ? ' (baseline)' : ''}`,
  );
  const itemWidth = Math.max(...items.map(displayWidth));
  const perLine = Math.max(1, Math.floor((width - 2 + 3) / (itemWidth + 3)));
  const lines = [theme.dim('Locations:')];
  for (let i = 0; i < items.length; i += perLine) {
    const line = items.slice(i, i + perLine);
    lines.push(
      `  ${line.map((item, j) => (j === line.length - 1 ? item : item + ' '.repeat(itemWidth - displayWidth(item)))).join('   ')}`,
    );
  }
  return lines;
}

interface MatrixRow {
  label: string;
  bold?: boolean;
  cells: FleetCell[];
  status: string;
}

function renderMatrix(report: FleetReport, rows: MatrixRow[], baseline: number, width: number, theme: Theme): string {
  const names = report.locations.map((_, i) => columnName(i, baseline));
  const cellWidths = names.map((name, i) => Math.max(displayWidth(name), ...rows.map((r) => (r.cells[i] ?? '-').length)));
  const cellsWidth = cellWidths.reduce((a, b) => a + b, 0) + CELL_GAP.length * (cellWidths.length - 1);
  const widestLabel = Math.max(displayWidth('OBJECT / KEY'), ...rows.map((r) => displayWidth(r.label)));
  const labelWidth = Math.min(widestLabel, Math.max(MIN_LABEL, width - cellsWidth - 2 * SECTION_GAP.length - MIN_STATUS));
  const statusWidth = Math.max(MIN_STATUS, width - labelWidth - cellsWidth - 2 * SECTION_GAP.length);
  const line = (label: string, cells: string[], status: string) =>
    [pad(label, labelWidth), cells.map((c, i) => pad(c, cellWidths[i])).join(CELL_GAP), status].join(SECTION_GAP).trimEnd();
  const referenceLetter = (row: MatrixRow) => (baseline >= 0 ? row.cells[baseline] : 'A');
  const lines = [line('OBJECT / KEY', names, 'STATUS')];
  const labels = cutDistinct(
    rows.map((row) => row.label),
    labelWidth,
    (text, columns) => shorten(text, columns),
  );
  for (const [r, row] of rows.entries()) {
    const label = labels[r];
    const reference = referenceLetter(row);
    // As a sync from the baseline would change each location: absent where the baseline has it is
    // added (green), a value other than the baseline's changes (red), the same as the baseline is plain.
    // Without a baseline there is no direction: absent is plain, a value other than A's is red.
    const cells = row.cells.map((cell) =>
      cell === reference ? (cell ?? '-') : cell === null ? (baseline >= 0 ? theme.added('-') : '-') : theme.changed(cell),
    );
    lines.push(line(row.bold ? theme.bold(label) : label, cells, fitPainted(row.status, statusWidth)));
  }
  return lines.join('\n');
}

/** Location i's column: its number, with "*" for the baseline. */
function columnName(index: number, baseline: number): string {
  return `${index + 1}${index === baseline ? '*' : ''}`;
}

/** Keys that disagree where their object exists: absence of the whole object is its own row. */
function differingKeys(object: FleetObject): FleetKeyRow[] {
  return object.keys.filter((key) => key.status === 'different' && keyDiffersWherePresent(object, key));
}

function objectStatus(object: FleetObject, baseline: number, theme: Theme): string {
  if (object.ignored) return theme.dim('ignored by rule');
  const count = object.keys.length;
  if (object.status === 'identical') {
    const ignored = object.keys.filter((k) => k.ignored).length;
    return theme.same(`identical (${counted(count, 'key')}${ignored > 0 ? `, ${ignored} ignored` : ''})`);
  }
  const keys = differingKeys(object);
  const disagree = keys.filter((k) => !k.ignored).length;
  const ignored = keys.filter((k) => k.ignored).length;
  const parts: string[] = [];
  if (disagree > 0 || ignored > 0) parts.push(`${disagree} of ${counted(count, 'key')} ${disagree === 1 ? 'differs' : 'differ'}`);
  if (ignored > 0) parts.push(`${ignored} ignored`);
  if (object.types) parts.push('types differ');
  const absent = absentAt(object.cells);
  if (absent.length > 0) parts.push(`absent in ${numberList(absent, baseline)}`);
  return theme.changed(`different (${parts.join(', ')})`);
}

/** Location numbers, runs of three or more as ranges ("2, 4-7, 9"); the baseline as its own "N*". */
export function numberList(indexes: number[], baseline = -1): string {
  const parts: string[] = [];
  for (let i = 0; i < indexes.length;) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === indexes[j] + 1 && indexes[j] !== baseline && indexes[j + 1] !== baseline) j++;
    if (j - i >= 2) parts.push(`${indexes[i] + 1}-${indexes[j] + 1}`);
    else for (let k = i; k <= j; k++) parts.push(columnName(indexes[k], baseline));
    i = j + 1;
  }
  return parts.join(', ');
}

/** The values behind the letters of each key that disagrees; with a baseline, each other value as a change toward it. */
function renderValues(report: FleetReport, baseline: number, theme: Theme, options: FleetRenderOptions & {width: number}): string[] {
  const lines: string[] = [];
  const valueWidth =
    options.fullValues || options.width === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : Math.max(20, options.width - 7);
  for (const object of report.objects) {
    if (object.ignored) continue;
    if (object.types) {
      const {names} = typeLetters(object.types);
      lines.push(`  ${objectRef(object)} ${theme.bold('(type)')}`);
      names.forEach((name, i) => lines.push(`    ${String.fromCharCode(65 + i)}  ${name}`));
    }
    for (const key of differingKeys(object)) {
      if (key.ignored) continue;
      // The key goes under its object when both do not fit one line.
      const together = displayWidth(`  ${objectRef(object)} ${keyLabel(key)}`) <= options.width;
      lines.push(
        ...(together
          ? [`  ${objectRef(object)} ${theme.bold(keyLabel(key))}`]
          : [`  ${middleCut(objectRef(object), options.width - 2)}`, `    ${theme.bold(middleCut(keyLabel(key), options.width - 4))}`]),
      );

      const base = baseline >= 0 && object.cells[baseline] !== null ? key.groups.find((g) => g.group === key.cells[baseline]) : undefined;
      const baselineHasObject = baseline >= 0 && object.cells[baseline] !== null;
      const texts = baselineHasObject ? undefined : oneLineTexts(key.groups);
      for (const group of key.groups) {
        if (!baselineHasObject || group === base) {
          const room = group === base ? valueWidth - BASELINE_NOTE.length : valueWidth;
          // Without a baseline, each value is told apart from the others: where it differs, and escaped where it reads alike.
          const shown = groupValue(group, options.fullValues === true, room, baselineHasObject ? undefined : texts);
          lines.push(`    ${group.group}  ${shown}${group === base ? theme.dim(BASELINE_NOTE) : ''}`);
          continue;
        }
        const change = towardBaseline(key, group, base, theme, options, valueWidth);
        lines.push(`    ${group.group}  ${change[0]}`, ...change.slice(1).map((l) => VALUE_INDENT + l));
      }
      // Absent where the object exists: the object's own absence is on its row.
      const absent = key.cells.flatMap((cell, i) => (cell === null && object.cells[i] !== null ? [i] : []));
      if (absent.length === 0) continue;
      if (baselineHasObject && base) {
        const note = `  (absent in ${numberList(absent, baseline)})`;
        lines.push(
          theme.added(`    -  + ${groupValue(base, options.fullValues === true, valueWidth - 2 - note.length)}`) + theme.dim(note),
        );
      } else lines.push(theme.removed(`    -  absent in ${numberList(absent, baseline)}`));
    }
  }
  if (lines.length === 0) return [];
  if (baseline < 0) return ['Values:', ...lines];
  return [
    `Values against the baseline ${columnName(baseline, baseline)} ${locationName(report.locations[baseline])}:`,
    theme.dim('(each other value as a sync from the baseline would change it: now → after)'),
    ...lines,
  ];
}

/** One group's value as the change a sync from the baseline would make: path-level, line diff, or now → after. */
function towardBaseline(
  key: FleetKeyRow,
  group: FleetGroup,
  base: FleetGroup | undefined,
  theme: Theme,
  options: FleetRenderOptions,
  valueWidth: number,
): string[] {
  const full = options.fullValues === true;
  const notInBaseline = '  (not in the baseline)';
  if (!base) return [theme.removed(`- ${groupValue(group, full, valueWidth - 2 - notInBaseline.length)}`) + theme.dim(notInBaseline)];
  const now = group.value;
  const after = base.value;
  const each = full ? Number.MAX_SAFE_INTEGER : Math.max(10, Math.floor((valueWidth - 6) / 2));
  if (now === undefined || after === undefined || group.masked || group.sha256) {
    return [theme.changed(`~ ${groupValue(group, full, each)} → ${groupValue(base, full, each)}`)];
  }
  const structured = key.section === 'data' ? diffStructured(key.key, now, after) : undefined;
  if (structured && structured.changes.length > 0)
    return structured.changes.flatMap((change) => renderPathChange(change, theme, {width: valueWidth, indent: ''}).split('\n'));
  if (now.trimEnd().includes('\n') || after.trimEnd().includes('\n')) {
    return renderLineDiff(key.key, now, after, theme, options.context ?? 3)
      .split('\n')
      .map((l) => l.replace(/^ {2}/, ''));
  }
  let [shownNow, shownAfter] = [showValue(now, each), showValue(after, each)];
  if (shownNow.endsWith('…') || shownAfter.endsWith('…')) [shownNow, shownAfter] = aroundFirstDifference(now, after, each - 1);
  return [theme.changed(`~ ${shownNow} → ${shownAfter}`)];
}

/**
 * A group's value. Cut to one line unless --full-values; a cut value says so, with its size
 * and a short hash of the whole (never of a Secret: those are masked), so two values that
 * are cut alike still print differently. Given the one-line texts of the key's values
 * (oneLineTexts), it is told apart from them: cut around where it differs.
 */
export function groupValue(group: FleetGroup, fullValues = false, width = 80, texts?: Map<FleetGroup, string>): string {
  if (group.sha256) return `${group.size} B sha256:${group.sha256.slice(0, 12)}`;
  if (group.masked) return `*** (${group.fingerprint})`;
  const value = group.value ?? '';
  if (fullValues) {
    if (value === '') return '""';
    const lines = markInvisible(value).split('\n');
    return lines.length === 1 ? lines[0] : ['|', ...lines.map((line) => `${VALUE_INDENT}${line}`)].join('\n');
  }
  const whole = texts?.get(group) ?? showValue(value, Number.MAX_SAFE_INTEGER);
  if (displayWidth(whole) <= width) return whole;
  // The note takes room too: the value and its note together fit the width. Where the full note
  // would leave the value too little room, the hint to --full-values goes first.
  const hash = sha256(value).slice(0, 8);
  const notes = [` [cut: ${group.size} B, sha256:${hash}; --full-values shows all]`, ` [cut: ${group.size} B, sha256:${hash}]`];
  const note = notes.find((n) => width - displayWidth(n) >= MIN_CUT_VALUE_WIDTH) ?? notes[1];
  const room = Math.max(10, width - displayWidth(note));
  // Cut around where it differs from the other values when that is past what the start would show.
  const differsAt = texts
    ? firstDifference(
        whole,
        [...texts].filter(([g]) => g !== group).map(([, text]) => text),
      )
    : 0;
  return `${differsAt > room / 2 ? showAround(whole, differsAt, room) : shorten(whole, room)}${note}`;
}

/**
 * Each value of a key on one line as the tables show it (invisible characters marked, line
 * ends as ↵), computed once per key. Values that still read alike (a no-break space against a
 * space) are shown with every character outside printable ASCII escaped.
 */
function oneLineTexts(groups: FleetGroup[]): Map<FleetGroup, string> {
  const shown = groups.filter((g) => g.value !== undefined).map((g) => [g, showValue(g.value!, Number.MAX_SAFE_INTEGER)] as const);
  const byLook = new Map<string, Set<string>>();
  for (const [group, text] of shown) {
    const look = text.normalize('NFKC');
    byLook.set(look, (byLook.get(look) ?? new Set()).add(group.value!));
  }
  return new Map(
    shown.map(([group, text]) => [
      group,
      byLook.get(text.normalize('NFKC'))!.size > 1 ? showValue(escapeNonAscii(group.value!), Number.MAX_SAFE_INTEGER) : text,
    ]),
  );
}

/** Where, in characters, `text` first differs from the nearest of `others` (the longest common start). */
function firstDifference(text: string, others: string[]): number {
  let nearest = 0;
  for (const other of others) {
    let i = 0;
    while (i < text.length && i < other.length && text[i] === other[i]) i++;
    // Back off a split surrogate pair: an emoji is one character.
    if (i > 0 && i < text.length && /[\ud800-\udbff]/.test(text[i - 1])) i--;
    nearest = Math.max(nearest, i);
  }
  return [...text.slice(0, nearest)].length;
}

function keyLabel(key: FleetKeyRow): string {
  return key.section === 'binaryData' ? `${key.key} (binary)` : key.key;
}

/** Secret types as letters by first appearance, like values. */
function typeLetters(types: Array<string | null>): {cells: FleetCell[]; names: string[]} {
  const names: string[] = [];
  const cells = types.map((type) => {
    if (type === null) return null;
    if (!names.includes(type)) names.push(type);
    return String.fromCharCode(65 + names.indexOf(type));
  });
  return {cells, names};
}

function sameLocation(a: FleetReport['locations'][number], b: FleetReport['locations'][number]): boolean {
  return a.context === b.context && a.namespace === b.namespace;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** A painted status cut to `width` columns: the colour wraps the cut text again. */
function fitPainted(text: string, width: number): string {
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  if (displayWidth(plain) <= width) return text;
  const cut = shorten(plain, width);
  return text.startsWith('\u001b') ? text.replace(plain, cut) : cut;
}
