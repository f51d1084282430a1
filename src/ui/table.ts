import Table from 'cli-table3';
import {charWidth, cutInMiddle, displayWidth, takeColumns} from './columns.js';
import {wrapAtSpaces} from './messages.js';

export interface TableOptions {
  indent?: string;
  /** Columns the table may use (outputWidth); unlimited (-o wide) or absent: as wide as its cells. */
  width?: number;
  /** Columns whose cells wrap at spaces when the table must narrow; the others are cut with "…". */
  wrap?: number[];
  /** Columns that never narrow (names one would copy, short words); the others shrink widest first. */
  keep?: number[];
  /** At most this many lines per wrapped cell; the last one kept ends in "…". */
  maxLines?: number;
  /** Text printed under each row ("↳ …", wrapped to the width), for what has no room in a column. */
  below?: Array<string | undefined>;
}

/** Columns a table takes with nothing cut or wrapped. */
export function naturalTableWidth(head: string[], rows: string[][], indent = ''): number {
  const natural = head.map((h, c) => Math.max(displayWidth(h), ...rows.flatMap((r) => (r[c] ?? '').split('\n').map(displayWidth))));
  return indent.length + natural.reduce((a, b) => a + b, 0) + GAP * (head.length - 1);
}

/** The narrowest a shrinking column gets: its header, and at least this many characters. */
const MIN_COLUMN = 8;
const GAP = 3;
/** How narrow a wrapped column gets before the others start to shrink. */
const WRAP_COMFORT = 16;

/** A borderless, kubectl-style table: upper-case headers, columns padded by spaces, fitted to `width`. */
export function renderTable(head: string[], rows: string[][], options: TableOptions = {}): string {
  const indent = options.indent ?? '';
  const fitted = fitTable(head, rows, options);
  const table = new Table({
    head,
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: indent,
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: ' '.repeat(GAP),
    },
    // No header colour: cli-table3 paints headers red by default.
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  });
  table.push(...fitted);
  const lines = table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd());
  if (!options.below) return lines.join('\n');
  // cli-table3 gives each row as many lines as its tallest cell: cut the output at row boundaries.
  const out = [lines[0]];
  let next = 1;
  fitted.forEach((row, i) => {
    const height = Math.max(1, ...row.map((cell) => cell.split('\n').length));
    out.push(...lines.slice(next, next + height));
    next += height;
    const text = options.below?.[i];
    const width =
      options.width !== undefined && Number.isFinite(options.width) ? options.width - indent.length - 4 : Number.MAX_SAFE_INTEGER;
    if (text) out.push(...wrapWords(text, Math.max(MIN_COLUMN, width)).map((line, n) => `${indent}${n === 0 ? '  ↳ ' : '    '}${line}`));
  });
  return out.join('\n');
}

/**
 * The cells, narrowed so the table fits `width`: the widest shrinkable column gives up a
 * column at a time until the table fits or every column is at its minimum; then each line of
 * a cell is cut with "…" (or wrapped at spaces, for the `wrap` columns).
 */
export function fitTable(head: string[], rows: string[][], options: TableOptions = {}): string[][] {
  const width = options.width;
  if (width === undefined || !Number.isFinite(width)) return rows;
  const natural = head.map((h, c) => Math.max(displayWidth(h), ...rows.flatMap((r) => (r[c] ?? '').split('\n').map(displayWidth))));
  const minimum = natural.map((n, c) => (options.keep?.includes(c) ? n : Math.min(n, Math.max(displayWidth(head[c]), MIN_COLUMN))));
  const available = width - (options.indent ?? '').length - GAP * (head.length - 1);
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  // Wrapped columns lose nothing by narrowing, down to a comfortable width; then every shrinkable column,
  // widest first, wrapped ones kept at that width; only then do wrapped columns go below it.
  const comfort = (c: number) => (options.wrap?.includes(c) ? Math.min(natural[c], Math.max(minimum[c], WRAP_COMFORT)) : minimum[c]);
  const floors = [natural.map((n, c) => (options.wrap?.includes(c) ? comfort(c) : n)), natural.map((_, c) => comfort(c)), minimum];
  for (const floor of floors) {
    while (excess > 0) {
      let widest = -1;
      for (let c = 0; c < widths.length; c++) if (widths[c] > floor[c] && (widest < 0 || widths[c] > widths[widest])) widest = c;
      if (widest < 0) break;
      widths[widest]--;
      excess--;
    }
  }
  // Cut columns: two different cells never cut alike (namespaces that share a long prefix).
  const cut = head.map((_, c) =>
    widths[c] >= natural[c] || options.wrap?.includes(c)
      ? undefined
      : cutDistinct(
          rows.map((row) => row[c] ?? ''),
          widths[c],
          cutCell,
        ),
  );
  return rows.map((row, r) =>
    row.map((cell, c) => {
      if (widths[c] >= natural[c]) return cell;
      const lines = cell.split('\n');
      if (!options.wrap?.includes(c)) return lines.length === 1 ? cut[c]![r] : lines.map((l) => cutCell(l, widths[c])).join('\n');
      const wrapped = lines.flatMap((l) => wrapWords(l, widths[c]));
      const max = options.maxLines ?? Number.MAX_SAFE_INTEGER;
      if (wrapped.length <= max) return wrapped.join('\n');
      return [...wrapped.slice(0, max - 1), cutCell(`${wrapped[max - 1]} …`, widths[c])].join('\n');
    }),
  );
}

const ANSI = /\u001b\[[0-9;]*m/g;

const PAINTED = /^((?:\u001b\[[0-9;]*m)+)([^\u001b]*)((?:\u001b\[[0-9;]*m)+)$/;

/** One line of a cell in at most `width` columns, ending in "…" when cut; a cell painted whole stays painted. */
export function cutCell(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  const painted = PAINTED.exec(text);
  if (painted) return painted[1] + cutPlain(painted[2], width) + painted[3];
  return cutPlain(text.replace(ANSI, ''), width);
}

function cutPlain(text: string, width: number): string {
  return `${takeColumns(text, width - 1)}…`;
}

/** Words of one line, wrapped to `width` columns; a word longer than that is cut. */
export function wrapWords(text: string, width: number): string[] {
  return wrapAtSpaces(text, width).map((l) => cutCell(l, width));
}

/** Shortens a value for a table cell: one line, at most `width` characters. */
export function shorten(value: string, width = 40): string {
  const oneLine = value.replace(/\r?\n/g, '↵').replace(/\t/g, '→');
  // Control characters would corrupt the terminal; show them escaped.
  const printable = oneLine.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  // Columns, not characters: a CJK character or an emoji takes two.
  if (displayWidth(printable) <= width) return printable;
  return `${takeColumns(printable, width - 1)}…`;
}

/** Characters that print as nothing (or as something else) and would make two different values look alike. */
// The class lists combining and joining characters on purpose: each one alone is what hides.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;

/**
 * Makes differences that do not show visible: a byte-order mark as ⟨BOM⟩, other
 * zero-width and direction characters as \uXXXX, CR as ␍, spaces before a line end as ·.
 */
export function markInvisible(text: string): string {
  return text
    .replace(INVISIBLE, (c) => (c === '\ufeff' ? '⟨BOM⟩' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .replace(/\r/g, '␍')
    .replace(/ +(?=␍?\n|$)/g, (spaces) => '·'.repeat(spaces.length));
}

/** A value for a table cell: invisible differences marked, the empty string as "", one line, at most `width` characters. */
export function showValue(value: string, width = 40): string {
  return value === '' ? '""' : shorten(markInvisible(value), width);
}

/** Every character outside printable ASCII as an escape: the last resort when two different values still render alike. */
export function escapeNonAscii(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f && char !== '\\') out += char;
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else out += code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/**
 * Each text in at most `width` columns, cut by `cut`; texts that differ but would be cut alike
 * are shown around where they first differ instead ("…-eu-west-1-payments…"), so that no two
 * different texts ever print alike. Colour codes are left out of texts cut that way.
 */
export function cutDistinct(texts: string[], width: number, cut: (text: string, width: number) => string = shortenMiddle): string[] {
  const out = texts.map((text) => (displayWidth(text) <= width ? text : cut(text, width)));
  const plain = texts.map((text) => text.replace(ANSI, ''));
  const byShown = new Map<string, number[]>();
  out.forEach((shown, i) => byShown.set(shown.replace(ANSI, ''), [...(byShown.get(shown.replace(ANSI, '')) ?? []), i]));
  for (const same of byShown.values()) {
    if (new Set(same.map((i) => plain[i])).size < 2) continue;
    for (const i of same) {
      const others = same.filter((j) => plain[j] !== plain[i]);
      const at = Math.min(...others.map((j) => firstDifference(plain[i], plain[j])));
      out[i] = showAround(plain[i], at, width);
    }
  }
  return out;
}

/** Where two texts first differ, in characters (code points). */
function firstDifference(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

/** The part of `text` around character `at`, in `width` columns, with "…" where it is cut. */
export function showAround(text: string, at: number, width: number): string {
  if (displayWidth(text) <= width) return text;
  const chars = [...text];
  const from = Math.max(0, Math.min(at, chars.length - 1));
  // Some context before the difference: up to a third of the width.
  let start = from;
  let used = charWidth(chars[from]);
  while (start > 0 && used + charWidth(chars[start - 1]) <= Math.floor(width / 3)) used += charWidth(chars[--start]);
  used -= charWidth(chars[from]);
  let end = from;
  const marks = (first: number, last: number) => (first > 0 ? 1 : 0) + (last < chars.length ? 1 : 0);
  while (end < chars.length && used + charWidth(chars[end]) + marks(start, end + 1) <= width) used += charWidth(chars[end++]);
  // At the end of the text: the room left goes to what comes before.
  if (end === chars.length)
    while (start > 0 && used + charWidth(chars[start - 1]) + marks(start - 1, end) <= width) used += charWidth(chars[--start]);
  const shown = chars.slice(start, end).join('');
  return `${start > 0 ? '…' : ''}${shown}${end < chars.length ? '…' : ''}`;
}

/** Long names (EKS ARNs, long keys) often differ at the end: keep both ends. */
export function shortenMiddle(text: string, width: number, headShare = 1 / 3): string {
  return cutInMiddle(text, width, headShare);
}

/** "Summary: a · b · c", continued on indented lines at the separators so no line passes `width`. */
export function joinFitted(head: string, parts: string[], width = Number.POSITIVE_INFINITY, separator = ' · '): string {
  const lines: string[] = [];
  // A head wider than half the terminal (long context names) stands on its own line; the parts go under it.
  const longHead = displayWidth(head) > width / 2;
  const indent = longHead ? '    ' : ' '.repeat(displayWidth(head));
  let line = longHead ? indent : head;
  if (longHead) lines.push(head.trimEnd());
  for (const [i, part] of parts.entries()) {
    const piece = i === 0 ? part : `${separator}${part}`;
    if (i > 0 && displayWidth(line) + displayWidth(piece) > width) {
      lines.push(line + separator.trimEnd());
      line = `${indent}${part}`;
    } else line += piece;
  }
  lines.push(line);
  return lines.join('\n');
}
