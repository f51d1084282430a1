/** Columns a table may use: unlimited with -o wide, else the terminal's width, else COLUMNS, else 80 (piped to a file). */
export function outputWidth(
  options: {wide?: boolean; stream?: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>; env?: NodeJS.ProcessEnv} = {},
): number {
  if (options.wide) return Number.POSITIVE_INFINITY;
  const stream = options.stream ?? process.stdout;
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const fromEnv = Number.parseInt((options.env ?? process.env).COLUMNS ?? '', 10);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

/** The -o formats drawn as tables: `wide` is the table with nothing cut. */
export type TableFormat = 'table' | 'wide';

export function isTableOutput(format: string): format is TableFormat {
  return format === 'table' || format === 'wide';
}

/** Columns for a table printed in `format` on `stream` (stdout for results, stderr for previews). */
export function tableWidth(format: string, stream: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'> = process.stdout): number {
  return outputWidth({wide: format === 'wide', stream});
}
