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
