/**
 * Exit codes shared by every command. 1 is reserved for "differences found",
 * so no failure may ever surface as 1.
 */
export const ExitCode = {
  ok: 0,
  differences: 1,
  usage: 2,
  cluster: 3,
  partial: 4,
  declined: 5,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

const EXIT_CODE_MEANINGS: Record<ExitCodeValue, string> = {
  0: 'success',
  1: 'differences found',
  2: 'usage error: bad flag, argument or kubeconfig',
  3: 'cluster or API error: unreachable, forbidden',
  4: 'partial failure: some targets failed (see the report)',
  5: 'declined at the confirmation prompt',
  130: 'interrupted (Ctrl-C or SIGTERM)',
};

/**
 * The EXIT CODES section of one command's help: only the codes that command can return, each
 * on one line within 80 columns (help text is re-wrapped, so a continuation line would lose
 * its indent). `meanings` words a code the way that command means it.
 */
export function exitCodesHelp(codes: ExitCodeValue[], meanings: Partial<Record<ExitCodeValue, string>> = {}): string {
  for (const code of Object.keys(meanings)) {
    if (!codes.includes(Number(code) as ExitCodeValue)) throw new Error(`exit code ${code} is worded but not listed`);
  }
  const lines = codes.map((code) => `  ${String(code).padEnd(5)}${meanings[code] ?? EXIT_CODE_MEANINGS[code]}`);
  return ['EXIT CODES', ...lines].join('\n');
}

/** An error whose message is meant for the user as-is, with a known exit code. */
export class ConfigSyncError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Writes refused because another owner would undo them (--force-owned): one line per target, exit 2. */
export class OwnedTargetsError extends ConfigSyncError {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'), ExitCode.usage);
  }
}

export class UsageError extends ConfigSyncError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

export class ClusterError extends ConfigSyncError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message, ExitCode.cluster);
  }
}

/** The object changed on the server after we read it (HTTP 409 on a conditional write). */
export class ConflictError extends ClusterError {
  constructor(message: string) {
    super(message, 409);
  }
}

export class NotFoundError extends ClusterError {
  constructor(message: string) {
    super(message, 404);
  }
}

/** A saved plan does not match what is there now (or was edited): nothing is written. */
export class StalePlanError extends ConfigSyncError {
  constructor(message: string) {
    super(message, ExitCode.cluster);
  }
}

export class DeclinedError extends ConfigSyncError {
  constructor(message = 'declined: nothing was written') {
    super(message, ExitCode.declined);
  }
}

export class InterruptedError extends ConfigSyncError {
  constructor(message = 'interrupted: nothing was written') {
    super(message, ExitCode.interrupted);
  }
}

/**
 * Why a file or a process's output did not parse, in words that never quote it:
 * JSON.parse and YAML parsers put a piece of the text in their messages, and the
 * text may be a backup or a credential. Only where (line, column, position) is kept.
 */
export function describeParseError(error: unknown, what: 'JSON' | 'JSON or YAML' = 'JSON'): string {
  const err = error as {name?: string; reason?: unknown; mark?: {line?: number; column?: number}; message?: unknown};
  if (err?.name === 'YAMLException' && err.mark && typeof err.mark.line === 'number') {
    const reason = typeof err.reason === 'string' && /^[a-z ,()-]+$/i.test(err.reason) ? `: ${err.reason}` : '';
    return `not ${what} (line ${err.mark.line + 1}, column ${(err.mark.column ?? 0) + 1}${reason})`;
  }
  const message = typeof err?.message === 'string' ? err.message : '';
  if (/end of (JSON )?input|unexpected end/i.test(message)) return `not ${what} (it ends too early)`;
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lineColumn) return `not ${what} (line ${lineColumn[1]}, column ${lineColumn[2]})`;
  const position = /at position (\d+)/.exec(message);
  if (position) return `not ${what} (at position ${position[1]})`;
  return `not ${what}`;
}

/** The first line of an error's message: what a report row or a one-line error shows. */
export function messageOf(error: unknown): string {
  return (error as Error)?.message?.split('\n')[0] || String(error);
}
