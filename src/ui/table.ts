import Table from 'cli-table3';

/** A borderless, kubectl-style table: upper-case headers, columns padded by spaces. */
export function renderTable(head: string[], rows: string[][], indent = ''): string {
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
      middle: '   ',
    },
    // No header colour: cli-table3 paints headers red by default.
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  });
  table.push(...rows);
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Shortens a value for a table cell: one line, at most `width` characters. */
export function shorten(value: string, width = 40): string {
  const oneLine = value.replace(/\r?\n/g, '↵').replace(/\t/g, '→');
  // Control characters would corrupt the terminal; show them escaped.
  const printable = oneLine.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const chars = [...printable];
  return chars.length <= width ? printable : `${chars.slice(0, width - 1).join('')}…`;
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
