import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, binPath, configMap, createNamespaces, kubeconfig, kubectl, repoRoot, uniqueName} from './support.js';

// The prompts need a real terminal: util-linux `script` gives the CLI a pseudo-terminal
// and relays our keystrokes to it.
const SCRIPT = '/usr/bin/script';
const stateHome = mkdtempSync(join(tmpdir(), 'configsync-pty-e2e-'));

const KEY = {space: ' ', down: '\x1b[B', enter: '\r', ctrlC: '\x03'};

interface Step {
  /** Wait until the screen shows this (after the previous step's match). */
  waitFor: RegExp;
  /** Keys to type, one at a time. */
  keys: string[];
  /** Runs before typing, e.g. to change the cluster while the CLI waits at a prompt. */
  before?: () => Promise<void>;
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Runs the CLI on a pseudo-terminal, answering prompts as they appear. */
function runOnTerminal(args: string[], steps: Step[]): Promise<{code: number; screen: string}> {
  const command = `stty cols 200 rows 60; exec ${[process.execPath, binPath, ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd: repoRoot,
      env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', XDG_STATE_HOME: stateHome, TERM: 'xterm'},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let cursor = 0;
    let busy = false;
    const pending = [...steps];
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`terminal session timed out waiting for ${pending[0]?.waitFor}; screen:\n${plain(screen)}`));
    }, 90_000);
    const advance = async () => {
      if (busy || pending.length === 0) return;
      const text = plain(screen);
      const match = pending[0].waitFor.exec(text.slice(cursor));
      if (!match) return;
      busy = true;
      const step = pending.shift()!;
      cursor += match.index + match[0].length;
      await step.before?.();
      for (const key of step.keys) {
        child.stdin.write(key);
        // Inquirer redraws after each key; typing ahead of it can merge keys into one chunk.
        await new Promise((r) => setTimeout(r, 120));
      }
      busy = false;
      void advance();
    };
    child.stdout.on('data', (d) => {
      screen += d;
      void advance().catch(reject);
    });
    child.stderr.on('data', (d) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending.length > 0) reject(new Error(`exited (${code}) before ${pending[0].waitFor}; screen:\n${plain(screen)}`));
      else resolve({code: code ?? -1, screen: plain(screen)});
    });
  });
}

/** Screen text without escape sequences. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b[()][A-Z0-9]/g, '').replace(/\r/g, '');
}

async function data(namespace: string, name: string): Promise<Record<string, string>> {
  return JSON.parse(await kubectl(['--context', 'alpha', '-n', namespace, 'get', 'configmap', name, '-o', 'json'])).data ?? {};
}

describe.skipIf(!existsSync(SCRIPT))('sync on a terminal', () => {
  const src = uniqueName('tty-src');
  const dst = uniqueName('tty-dst');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst);
  });
  afterAll(async () => cleanup?.());

  it('picks objects and keys with the keyboard, reviews, confirms, and writes exactly that', async () => {
    await apply('alpha', configMap(src, 'app', {A: 'new-a', B: 'new-b', C: 'new-c'}));
    await apply('alpha', configMap(dst, 'app', {A: 'old-a', B: 'old-b', C: 'old-c'}));
    await apply('alpha', configMap(src, 'other', {X: 'new-x', Y: 'new-y'}));
    await apply('alpha', configMap(dst, 'other', {X: 'old-x'}));
    const {code, screen} = await runOnTerminal(['sync', `alpha/${src}`, `alpha/${dst}`, 'app', 'other'], [
      // Both objects: space, down, space, enter.
      {waitFor: /Objects to sync/, keys: [KEY.space, KEY.down, KEY.space, KEY.enter]},
      // app: keys A and C (the first row is "all different keys").
      {waitFor: /Keys of configmap\/app to write[\s\S]*C\s+different\s+new-c → old-c/, keys: [KEY.down, KEY.space, KEY.down, KEY.down, KEY.space, KEY.enter]},
      // other: "all different keys".
      {waitFor: /Keys of configmap\/other to write[\s\S]*all different keys \(2\)[\s\S]*Y\s+missing in target/, keys: [KEY.space, KEY.enter]},
      {waitFor: /Write 2 objects to alpha\/[^?]+\?/, keys: ['y', KEY.enter]},
    ]);
    expect(code).toBe(0);
    expect(screen).toContain('~ A: old-a → new-a');
    expect(screen).toContain('~ C: old-c → new-c');
    expect(screen).not.toContain('~ B:');
    expect(screen).toContain('+ Y: new-y');
    expect(await data(dst, 'app')).toEqual({A: 'new-a', B: 'old-b', C: 'new-c'});
    expect(await data(dst, 'other')).toEqual({X: 'new-x', Y: 'new-y'});
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    await apply('alpha', configMap(src, 'interrupt', {A: 'new'}));
    await apply('alpha', configMap(dst, 'interrupt', {A: 'old'}));
    const {code, screen} = await runOnTerminal(['sync', `alpha/${src}`, `alpha/${dst}`, 'interrupt'], [
      {waitFor: /Objects to sync/, keys: [KEY.space, KEY.enter]},
      {waitFor: /Keys of configmap\/interrupt/, keys: [KEY.ctrlC]},
    ]);
    expect(code).toBe(130);
    expect(screen).toContain('nothing was written');
    expect(await data(dst, 'interrupt')).toEqual({A: 'old'});
  });

  it('declining the review exits 5 and writes nothing', async () => {
    await apply('alpha', configMap(src, 'decline', {A: 'new'}));
    await apply('alpha', configMap(dst, 'decline', {A: 'old'}));
    const {code, screen} = await runOnTerminal(['sync', `alpha/${src}`, `alpha/${dst}`, 'decline', '--all'], [
      {waitFor: /Write 1 object to alpha\/[^?]+\?/, keys: ['n', KEY.enter]},
    ]);
    expect(code).toBe(5);
    expect(screen).toContain('declined: nothing was written');
    expect(await data(dst, 'decline')).toEqual({A: 'old'});
  });

  it('does not overwrite a target changed while the user was reviewing, and offers a fresh diff', async () => {
    await apply('alpha', configMap(src, 'race-a', {A: 'new'}));
    await apply('alpha', configMap(dst, 'race-a', {A: 'old'}));
    await apply('alpha', configMap(src, 'race-b', {B: 'new'}));
    await apply('alpha', configMap(dst, 'race-b', {B: 'old'}));
    const {code, screen} = await runOnTerminal(['sync', `alpha/${src}`, `alpha/${dst}`, 'race-a', 'race-b', '--all'], [
      {
        waitFor: /Write 2 objects to alpha\/[^?]+\?/,
        // Someone edits race-a after the plan was computed, before the user confirms.
        before: () => kubectl(['--context', 'alpha', '-n', dst, 'patch', 'configmap', 'race-a', '--type', 'merge', '-p', '{"data":{"A":"edited-meanwhile"}}']).then(() => undefined),
        keys: ['y', KEY.enter],
      },
      {waitFor: /configmap\/race-a changed in the target after it was read\. Show a fresh diff\?/, keys: ['y', KEY.enter]},
    ]);
    expect(code).toBe(4);
    expect(screen).toMatch(/error: conflict: configmap\/race-a in namespace "[^"]+" changed on the server after it was read \(context "alpha"\)/);
    expect(screen).toMatch(/A\s+different\s+new\s+edited-meanwhile/);
    expect(await data(dst, 'race-a')).toEqual({A: 'edited-meanwhile'});
    expect(await data(dst, 'race-b')).toEqual({B: 'new'});
  });
});
