import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {binPath, kubectl, kubectlJson, repoRoot, testStateHome} from './support.js';

/** A `controller run` process and what it logged on stderr. */
export interface ControllerProcess {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/** Starts `controller run` with these arguments, as a pod would run it (no KUBECONFIG of the user's). */
export function startController(args: string[]): ControllerProcess {
  const child = spawn(process.execPath, [binPath, 'controller', 'run', ...args], {
    cwd: repoRoot,
    env: {...process.env, KUBECONFIG: '', XDG_STATE_HOME: testStateHome, NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    log: () => log,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The JSON log lines (--log-format json) of a controller. */
export function logLines(controller: ControllerProcess): Array<Record<string, string>> {
  return controller
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, string>);
}

/**
 * A kubeconfig holding, for each context, a token of the ServiceAccount `name` in `namespace` of
 * that cluster (made by the generated manifests there): what the controller may do is what they grant.
 */
export async function serviceAccountKubeconfig(name: string, namespace: string, contexts: string[]): Promise<string> {
  const entries = [];
  for (const context of contexts) {
    const token = (await kubectl(['--context', context, '-n', namespace, 'create', 'token', name, '--duration', '1h'])).trim();
    const admin = await kubectlJson(['--context', context, 'config', 'view', '--raw', '--minify']);
    entries.push({context, token, cluster: admin.clusters[0].cluster});
  }
  const path = join(mkdtempSync(join(tmpdir(), 'configsync-controller-')), 'kubeconfig');
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries.map((e) => ({name: e.context, cluster: e.cluster})),
      users: entries.map((e) => ({name: `controller-${e.context}`, user: {token: e.token}})),
      contexts: entries.map((e) => ({name: e.context, context: {cluster: e.context, user: `controller-${e.context}`}})),
      'current-context': contexts[0],
    }),
    {mode: 0o600},
  );
  return path;
}

/** Polls until `check` returns a value (not undefined or false); throws naming what never happened. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for: ${what}${last ? ` (${(last as Error).message})` : ''}`);
}

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number};
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** One series of the controller's /metrics (undefined when absent). */
export async function metricOf(port: number, series: string): Promise<number | undefined> {
  // A kept-alive connection the server just closed fails once: ask again.
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const text = await scrape().catch(scrape);
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
