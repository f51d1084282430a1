import {spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kubeconfig = join(repoRoot, '.cluster', 'kubeconfig');
export const binPath = join(repoRoot, 'bin', 'run.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
  /** Sends `signal` once stderr shows `pattern`, e.g. to interrupt a write batch. */
  signalWhen?: {pattern: RegExp; signal: NodeJS.Signals};
  onSpawn?: (child: ChildProcess) => void;
}

/** Backups of test runs go here, never into the user's own state directory. */
export const testStateHome = mkdtempSync(join(tmpdir(), 'configsync-e2e-state-'));

/**
 * Runs the real CLI as a user would, with the test bed's kubeconfig and no colour. Tables get a
 * wide terminal (COLUMNS) so that tests read their content in full; how output fits 80 and 200
 * columns is held by the goldens (golden-output.test.ts) and the tests that set COLUMNS (or unset
 * it, for the 80 columns of a pipe) themselves.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [binPath, ...args], {
    ...options,
    env: {KUBECONFIG: kubeconfig, NO_COLOR: '1', XDG_STATE_HOME: testStateHome, COLUMNS: '1000', ...options.env},
  });
}

/** kubectl against the test bed; throws with its stderr when it fails. */
export async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await runProcess('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], {input});
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

export async function kubectlJson<T = any>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = {...process.env, ...options.env};
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    const child = spawn(command, args, {cwd: options.cwd ?? repoRoot, env, stdio: ['pipe', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    let signalled = false;
    options.onSpawn?.(child);
    // Decode as a stream: a character split across two chunks must not turn into U+FFFD.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (options.signalWhen && !signalled && options.signalWhen.pattern.test(stderr)) {
        signalled = true;
        child.kill(options.signalWhen.signal);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code: code ?? (signal ? 128 : -1), stdout, stderr});
    });
    // A child that exits without reading its input closes the pipe: that is not a test failure.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** A namespace name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates namespaces (on a context) and returns a function that deletes them. */
export async function createNamespaces(context: string, ...names: string[]): Promise<() => Promise<void>> {
  for (const name of names) await kubectl(['--context', context, 'create', 'namespace', name]);
  return async () => {
    for (const name of names) await kubectl(['--context', context, 'delete', 'namespace', name, '--wait=false']).catch(() => undefined);
  };
}

/** Applies manifests (YAML text) on a context. */
export async function apply(context: string, manifests: string): Promise<void> {
  await kubectl(['--context', context, 'apply', '-f', '-'], manifests);
}

/** Applies several JSON manifests at once, as one v1 List. */
export async function applyAll(context: string, manifests: string[]): Promise<void> {
  await apply(context, JSON.stringify({apiVersion: 'v1', kind: 'List', items: manifests.map((m) => JSON.parse(m))}));
}

/** A ConfigMap manifest. */
export function configMap(
  namespace: string,
  name: string,
  data: Record<string, string>,
  extra: {labels?: Record<string, string>; immutable?: boolean; binaryData?: Record<string, string>} = {},
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name, namespace, labels: extra.labels},
    data,
    binaryData: extra.binaryData,
    immutable: extra.immutable,
  });
}

/** A Secret manifest from plain-text values. */
export function secret(namespace: string, name: string, values: Record<string, string>, type = 'Opaque'): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace}, type, stringData: values});
}

/** Polls until `check` holds; false when it never did within the time. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 300));
  }
}
