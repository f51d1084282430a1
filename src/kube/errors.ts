import {STATUS_CODES, type IncomingHttpHeaders} from 'node:http';
import {ClusterError, ConflictError, NotFoundError, UsageError, ConfigSyncError, describeParseError} from '../core/errors.js';
import {ExecPluginError} from './exec-credential.js';

/** An answer with a status outside 2xx. */
export class ApiStatusError extends Error {
  override readonly name = 'ApiStatusError';
  constructor(
    readonly code: number,
    readonly body: string,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`HTTP ${code}`);
  }
}

export interface RequestScope {
  context: string;
  verb: string;
  /** e.g. "configmaps in namespace prod" or "configmap/app in namespace prod". */
  what: string;
}

/** Turns whatever the client library threw into one line a person can act on. */
export function translateError(error: unknown, scope: RequestScope): ConfigSyncError {
  if (error instanceof ConfigSyncError) return error;
  const where = `(context "${scope.context}")`;
  if (error instanceof ApiStatusError) {
    const status = parseStatus(error.body);
    const reason = status?.message ?? STATUS_CODES[error.code] ?? '';
    switch (error.code) {
      case 401:
        return new ClusterError(
          `unauthorized: the credentials of context "${scope.context}" were rejected (401); log in again or refresh the token`,
          401,
        );
      case 403:
        return new ClusterError(`forbidden: cannot ${scope.verb} ${scope.what} ${where}: ${reason}`, 403);
      case 404:
        return new NotFoundError(`not found: ${scope.what} ${where}`);
      case 409:
        return new ConflictError(`conflict: ${scope.what} changed on the server after it was read ${where}; run the diff again`);
      case 422:
        return new ClusterError(`invalid: cannot ${scope.verb} ${scope.what} ${where}: ${reason}`, 422);
      case 413:
        return new ClusterError(`too large: ${scope.what} ${where} is over the API server's request size limit`, 413);
      default:
        return new ClusterError(
          `cannot ${scope.verb} ${scope.what} ${where}: HTTP ${error.code}${reason ? `: ${reason}` : ''}`,
          error.code,
        );
    }
  }
  const err = error as {name?: string; message?: string; code?: string; cause?: {code?: string; message?: string}};
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return new ClusterError(`timeout: the API server of context "${scope.context}" did not answer in time (--request-timeout)`);
  }
  const code = err?.cause?.code ?? err?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ECONNRESET' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'EAI_AGAIN'
  ) {
    return new ClusterError(`unreachable: cannot connect to the API server of context "${scope.context}" (${code})`);
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new ClusterError(`TLS: cannot verify the API server certificate of context "${scope.context}" (${code})`);
  }
  const message = firstLine(err?.cause?.message ?? err?.message ?? String(error));
  if (/exec|credential|ENOENT/i.test(message)) {
    return new ClusterError(`credentials: getting credentials for context "${scope.context}" failed: ${message}`);
  }
  return new ClusterError(`cannot ${scope.verb} ${scope.what} ${where}: ${message}`);
}

/**
 * Getting credentials failed. A system error (a plugin or token file that is missing or not
 * allowed) is quoted; what an exec credential plugin printed never is: its stdout may be a
 * raw token (JSON.parse quotes the start of it) and its stderr anything at all.
 */
export function credentialError(context: string, error: unknown, command: string | undefined): ClusterError {
  const prefix = `credentials: getting credentials for context "${context}" failed`;
  if (error instanceof ExecPluginError) return new ClusterError(`${prefix}: ${error.message}`);
  const err = error as {name?: string; message?: unknown; code?: unknown; syscall?: unknown};
  if (typeof err?.code === 'string' || typeof err?.syscall === 'string')
    return new ClusterError(`${prefix}: ${firstLine(String(err.message ?? err.code))}`);
  const plugin = command ? `the exec credential plugin "${command}"` : 'the credential plugin';
  if (err?.name === 'SyntaxError') {
    return new ClusterError(
      `${prefix}: ${plugin} printed something that is ${describeParseError(error)}, not an ExecCredential (not shown: it may hold a token)`,
    );
  }
  if (command)
    return new ClusterError(`${prefix}: ${plugin} failed (its output is not shown: it may hold a token; run it yourself to see why)`);
  return new ClusterError(`${prefix}: ${firstLine(String(err?.message ?? error))}`);
}

export function kubeconfigError(error: unknown, path: string | undefined): UsageError {
  const message = firstLine((error as Error)?.message ?? String(error));
  return new UsageError(`cannot read kubeconfig${path ? ` "${path}"` : ''}: ${message}`);
}

/** The API server's Status object in an error answer, when there is one. */
function parseStatus(body: string): {message?: string; reason?: string} | undefined {
  if (!body) return undefined;
  try {
    const status = JSON.parse(body) as unknown;
    return status !== null && typeof status === 'object' ? status : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
