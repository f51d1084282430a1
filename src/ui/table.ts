import Table from 'cli-table3';

/** A borderless, kubectl-style table: upper-case headers, columns padded by spaces. */
export function renderTable(head: string[], rows: string[][], indent = ''): string {
  const table = new Table({
    head,
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: indent, 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '   ',
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
