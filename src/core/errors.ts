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

export const EXIT_CODES_HELP = `EXIT CODES
  0    success / no differences
  1    differences found (diff and status only)
  2    usage error (bad flags, unknown context, bad location, a name or
       selector that matches nothing, a malformed plan)
  3    cluster or API error (unreachable, forbidden, conflict, a saved
       plan edited or stale)
  4    partial failure (some targets failed, see the report)
  5    declined at the confirmation prompt
  130  interrupted (Ctrl-C)`;

/** An error whose message is meant for the user as-is, with a known exit code. */
export class ConfigSyncError extends Error {
  constructor(message: string, readonly exitCode: ExitCodeValue) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends ConfigSyncError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

export class ClusterError extends ConfigSyncError {
  constructor(message: string, readonly status?: number) {
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
