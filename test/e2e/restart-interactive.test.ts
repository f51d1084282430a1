import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, binPath, configMap, createNamespaces, kubeconfig, repoRoot, uniqueName} from './support.js';
import {cliRequests, container, list, restartedAt, revisions, waitForRevisions, workload} from './restart-support.js';

// The confirmation needs a real terminal: util-linux `script` gives the CLI a
// pseudo-terminal and relays our keystrokes to it.
const SCRIPT = '/usr/bin/script';
const stateHome = mkdtempSync(join(tmpdir(), 'configsync-restart-pty-'));
const KEY = {enter: '\r', ctrlC: '\x03'};

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Screen text without escape sequences. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[()][A-Z0-9]/g, '').replace(/\r/g, '');
}

/** Runs the CLI on a pseudo-terminal; once the screen shows `waitFor`, types `keys`. */
function runOnTerminal(args: string[], waitFor: RegExp, keys: string[]): Promise<{code: number; screen: string}> {
  const command = `stty cols 200 rows 60; exec ${[process.execPath, binPath, ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd: repoRoot,
      env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', XDG_STATE_HOME: stateHome, TERM: 'xterm'},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let typed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal session timed out waiting for ${waitFor}; screen:\n${plain(screen)}`));
    }, 90_000);
    const onOutput = async (chunk: Buffer) => {
      screen += chunk;
      if (typed || !waitFor.test(plain(screen))) return;
      typed = true;
      for (const key of keys) {
        child.stdin.write(key);
        // Inquirer redraws after each key; typing ahead of it can merge keys into one chunk.
        await new Promise((r) => setTimeout(r, 120));
      }
    };
    child.stdout.on('data', (d) => void onOutput(d).catch(reject));
    child.stderr.on('data', (d) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!typed) reject(new Error(`exited (${code}) before ${waitFor}; screen:\n${plain(screen)}`));
      else resolve({code: code ?? -1, screen: plain(screen)});
    });
  });
}

function patchesOf(namespace: string, name: string): number {
  return cliRequests(namespace).filter((e) => e.verb === 'patch' && e.objectRef?.name === name).length;
}

describe.skipIf(!existsSync(SCRIPT))('restart on a terminal', () => {
  const ns = uniqueName('rtty');
  let cleanup: () => Promise<void>;
  const names = ['confirm', 'decline', 'interrupt'];

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    await apply(
      'alpha',
      list(
        names.flatMap((name) => [
          JSON.parse(configMap(ns, name, {a: '1'})),
          workload('Deployment', ns, name, {containers: [container('web', {envFrom: [{configMapRef: {name}}]})]}),
        ]),
      ),
    );
    for (const name of names) await waitForRevisions('Deployment', ns, name, 1);
  });

  afterAll(async () => cleanup?.());

  it('shows the plan, asks, and restarts on "y"', async () => {
    const {code, screen} = await runOnTerminal(['restart', 'configmap/confirm', '--context', 'alpha', '-n', ns], /Restart 1 workload\(s\) in alpha\/[^?]+\?/, ['y', KEY.enter]);
    expect(code).toBe(0);
    // The preview (stderr) before the question, then the result table.
    expect(screen).toMatch(/deployment\/confirm\s+would restart\s+1\s+web: configmap\/confirm envFrom all keys/);
    expect(screen).toMatch(/deployment\/confirm\s+restarted\s+1/);
    expect(await restartedAt('Deployment', ns, 'confirm')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await waitForRevisions('Deployment', ns, 'confirm', 2)).toBe(2);
    expect(patchesOf(ns, 'confirm')).toBe(1);
  });

  it('declining exits 5 and patches nothing', async () => {
    const {code, screen} = await runOnTerminal(['restart', 'configmap/decline', '--context', 'alpha', '-n', ns], /Restart 1 workload\(s\) in alpha\/[^?]+\?/, ['n', KEY.enter]);
    expect(code).toBe(5);
    expect(screen).toContain('error: declined: nothing was restarted');
    expect(await restartedAt('Deployment', ns, 'decline')).toBeUndefined();
    expect(await revisions('Deployment', ns, 'decline')).toBe(1);
    expect(patchesOf(ns, 'decline')).toBe(0);
  });

  it('Ctrl-C at the question exits 130 and patches nothing', async () => {
    const {code, screen} = await runOnTerminal(['restart', 'configmap/interrupt', '--context', 'alpha', '-n', ns], /Restart 1 workload\(s\) in alpha\/[^?]+\?/, [KEY.ctrlC]);
    expect(code).toBe(130);
    expect(screen).toContain('error: interrupted at the prompt: nothing was written');
    expect(await restartedAt('Deployment', ns, 'interrupt')).toBeUndefined();
    expect(await revisions('Deployment', ns, 'interrupt')).toBe(1);
    expect(patchesOf(ns, 'interrupt')).toBe(0);
  });
});
