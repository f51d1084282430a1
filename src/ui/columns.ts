/**
 * The borderless kubectl-style table of table.ts (upper-case headers, columns three
 * spaces apart, no trailing blanks), for large reports: cli-table3 measures every cell
 * with an emoji-aware width function, which took a third of a second for a
 * thousand-object diff. Cells are one line each here, as shorten() makes them.
 */
export function renderColumns(head: string[], rows: string[][], indent = ''): string {
  const all = [head, ...rows];
  const widths = head.map((_, column) => Math.max(...all.map((row) => displayWidth(row[column] ?? ''))));
  return all
    .map((row) =>
      (
        indent +
        row.map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column] - displayWidth(cell)))).join('   ')
      ).trimEnd(),
    )
    .join('\n');
}

const ANSI = /\u001b\[[0-9;]*m/g;
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

/** Terminal columns of a cell: colour codes take none, East Asian wide characters and emoji two. */
export function displayWidth(text: string): number {
  const plain = text.includes('\u001b') ? text.replace(ANSI, '') : text;

  if (/^[\u0000-\u00ff]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const char of plain) width += charWidth(char);
  return width;
}

/** Columns of one character (code point): two for East Asian wide characters and emoji. */
export function charWidth(char: string): number {
  return char.charCodeAt(0) < 0x1100 ? 1 : WIDE.test(char) ? 2 : 1;
}

/** The longest start of `chars` within `width` columns, counted as it goes (cutting is on the render path of every cell). */
export function takeColumns(chars: Iterable<string>, width: number): string {
  let out = '';
  let used = 0;
  for (const char of chars) {
    used += charWidth(char);
    if (used > width) break;
    out += char;
  }
  return out;
}

/** The OWNER column (at `index`) only when some row has an owner: tables of unowned targets stay as they were. */
export function ownerColumn<T>(cells: T[], rows: Array<{owner?: unknown}>, index: number): T[] {
  return rows.some((r) => r.owner) ? cells : cells.filter((_, i) => i !== index);
}

/**
 * A name in at most `width` columns: its start and its end with "…" between, `headShare` of the
 * room for the start. Columns, not characters: a wide character is never half shown.
 */
export function cutInMiddle(text: string, width: number, headShare: number): string {
  if (displayWidth(text) <= width) return text;
  const chars = [...text];
  const head = takeColumns(chars, Math.ceil((width - 1) * headShare));
  const tail = [...takeColumns(chars.slice([...head].length).reverse(), width - 1 - displayWidth(head))].reverse().join('');
  return `${head}…${tail}`;
}
