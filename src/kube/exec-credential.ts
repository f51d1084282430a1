import {spawn, type ChildProcess} from 'node:child_process';
import {setLongTimeout} from './long-timeout.js';

/**
 * Exec credential plugins (kubeconfig `users[].user.exec`), run the way kubectl runs them:
 * once per user per process (every context, client and watch shares the answer), again only
 * after the credential's expirationTimestamp, bounded in time, and never left running when
 * the process ends. A wrong or malformed answer is an error: requests never go out
 * anonymously, and the plugin's output (which holds the token) is never quoted.
 */

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: Array<{name: string; value: string}>;
  apiVersion?: string;
}

export interface UserWithExec {
  name: string;
  exec?: ExecConfig;
  authProvider?: {name?: string; config?: {exec?: ExecConfig}};
}

export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

interface CacheEntry {
  credential: Promise<ExecCredentialStatus>;
  /** Epoch ms after which the plugin runs again; Infinity when the answer does not expire. */
  expiresAt: number;
}

/** A plugin failure whose message names the plugin and what was wrong, and never quotes its output. */
export class ExecPluginError extends Error {
  override readonly name = 'ExecPluginError';
}

const cache = new Map<string, CacheEntry>();
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** How long a plugin may take; 0 waits forever. Set from --request-timeout. */
let pluginTimeoutMs = 30_000;

export function setExecPluginTimeout(ms: number): void {
  pluginTimeoutMs = ms;
}

export function execConfigOf(user: UserWithExec | null | undefined): ExecConfig | undefined {
  return user?.exec ?? user?.authProvider?.config?.exec;
}

/** The client library's authenticator interface, backed by the process-wide cache. */
export const execAuthenticator = {
  isAuthProvider(user: UserWithExec | null | undefined): boolean {
    return execConfigOf(user) !== undefined;
  },
  async applyAuthentication(user: UserWithExec, opts: {cert?: unknown; key?: unknown; headers?: Record<string, string>}): Promise<void> {
    const status = await execCredential(user);
    if (status.clientCertificateData) opts.cert = status.clientCertificateData;
    if (status.clientKeyData) opts.key = status.clientKeyData;
    if (status.token) {
      opts.headers ??= {};
      opts.headers.Authorization = `Bearer ${status.token}`;
    }
  },
};

/** The credential for a user: from the cache, from the run in flight, or from a new run. */
export function execCredential(user: UserWithExec): Promise<ExecCredentialStatus> {
  const exec = execConfigOf(user);
  if (!exec?.command) return Promise.reject(new ExecPluginError(`user "${user.name}" has an exec section without a command`));
  const key = JSON.stringify([user.name, exec.command, exec.args ?? [], exec.env ?? []]);
  const cached = cache.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.credential;
  const entry: CacheEntry = {credential: Promise.resolve({}), expiresAt: Number.POSITIVE_INFINITY};
  // A failure stays cached too: within one run, a plugin that hung or answered garbage would
  // do so again, and each retry would cost another timeout.
  entry.credential = runPlugin(exec).then((status) => {
    const expiry = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Number.NaN;
    if (Number.isFinite(expiry)) entry.expiresAt = expiry;
    return status;
  });
  cache.set(key, entry);
  return entry.credential;
}

function runPlugin(exec: ExecConfig): Promise<ExecCredentialStatus> {
  installExitHook();
  const plugin = `exec plugin "${exec.command}"`;
  const env = {...process.env};
  for (const {name, value} of exec.env ?? []) env[name] = value;
  // kubectl tells the plugin what it expects; no terminal is offered, so it must not prompt.
  env.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: {interactive: false},
  });
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      // stderr is not shown (kubectl shows it): it may hold anything, and an error is one line.
      // Its own process group, so a timeout stops whatever the plugin started too (a shell's children
      // would otherwise keep the pipe, and this process, open).
      child = spawn(exec.command, exec.args ?? [], {env, stdio: ['ignore', 'pipe', 'ignore'], detached: true});
    } catch (error) {
      reject(new ExecPluginError(`${plugin} could not be started: ${(error as Error).message}`));
      return;
    }
    running.add(child);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | undefined, status?: ExecCredentialStatus) => {
      if (settled) return;
      settled = true;
      timer?.clear();
      running.delete(child);
      child.stdout?.destroy();
      if (error) reject(error);
      else resolve(status!);
    };
    const timer =
      pluginTimeoutMs > 0
        ? setLongTimeout(() => {
            stop(child);
            finish(new ExecPluginError(`${plugin} did not answer within ${pluginTimeoutMs / 1000}s (--request-timeout); it was stopped`));
          }, pluginTimeoutMs)
        : undefined;
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(
        new ExecPluginError(
          error.code === 'ENOENT' ? `${plugin} was not found (ENOENT)` : `${plugin} could not be started: ${error.code ?? error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code !== 0) {
        finish(
          new ExecPluginError(
            `${plugin} failed (${signal ? `signal ${signal}` : `exit code ${code}`}; its output is not shown: it may hold a token; run it yourself to see why)`,
          ),
        );
        return;
      }
      try {
        finish(undefined, parseExecCredential(Buffer.concat(chunks).toString('utf8'), plugin));
      } catch (error) {
        finish(error as Error);
      }
    });
  });
}

/** Checks a plugin's answer; messages describe what is wrong without quoting it (it holds secrets). */
export function parseExecCredential(text: string, plugin: string): ExecCredentialStatus {
  let answer: {kind?: unknown; apiVersion?: unknown; status?: ExecCredentialStatus};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    throw new ExecPluginError(`${plugin} printed something that is not JSON, not an ExecCredential (not shown: it may hold a token)`);
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer))
    throw new ExecPluginError(`${plugin} printed JSON that is not an object, not an ExecCredential (not shown: it may hold a token)`);
  if (answer.kind !== 'ExecCredential') {
    // A kind is a short word; anything else might be a token in the wrong place and is not shown.
    const kind = typeof answer.kind === 'string' && /^[A-Za-z]{1,40}$/.test(answer.kind) ? `kind "${answer.kind}"` : 'no recognisable kind';
    throw new ExecPluginError(`${plugin} printed ${kind}, not an ExecCredential`);
  }
  if (typeof answer.apiVersion !== 'string' || !answer.apiVersion.startsWith('client.authentication.k8s.io/')) {
    throw new ExecPluginError(`${plugin} printed an ExecCredential without a client.authentication.k8s.io apiVersion`);
  }
  const status = answer.status;
  if (!status || typeof status !== 'object') throw new ExecPluginError(`${plugin} printed an ExecCredential without a status`);
  const text_ = (value: unknown) => typeof value === 'string' && value.length > 0;
  const hasToken = text_(status.token);
  const hasCertificate = text_(status.clientCertificateData) && text_(status.clientKeyData);
  if (!hasToken && !hasCertificate) {
    throw new ExecPluginError(`${plugin} printed an ExecCredential with neither a token nor a client certificate and key`);
  }
  if (status.expirationTimestamp !== undefined && !Number.isFinite(Date.parse(String(status.expirationTimestamp)))) {
    throw new ExecPluginError(`${plugin} printed an ExecCredential whose expirationTimestamp is not a time`);
  }
  return {
    token: hasToken ? status.token : undefined,
    clientCertificateData: hasCertificate ? status.clientCertificateData : undefined,
    clientKeyData: hasCertificate ? status.clientKeyData : undefined,
    expirationTimestamp: status.expirationTimestamp,
  };
}

/** Plugins still running when the process ends (an error, Ctrl-C, a finished command) are stopped. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) stop(child);
  });
}

function stop(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
