import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {binPath, kubeconfig, repoRoot} from './support.js';

// Prompts need a real terminal: util-linux `script` gives the CLI a pseudo-terminal
// and relays our keystrokes to it.
export const SCRIPT = '/usr/bin/script';
export const hasScript = existsSync(SCRIPT);

export const KEY = {space: ' ', up: '\x1b[A', down: '\x1b[B', enter: '\r', ctrlC: '\x03'};

export interface TerminalStep {
  /** Wait until the screen shows this (after the previous step's match). */
  waitFor: RegExp;
  /** Keys to type, one at a time. */
  keys: string[];
  /** Runs before typing, e.g. to change the cluster while the CLI waits at a prompt. */
  before?: () => Promise<void>;
}

export interface TerminalResult {
  code: number;
  /** Everything the terminal showed, escape sequences removed. */
  screen: string;
  /** Everything the terminal showed, as sent (colours included). */
  raw: string;
}

/** Screen text without escape sequences. */
export function plain(text: string): string {
  return text
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\x1b[()][A-Z0-9]/g, '')
    .replace(/\r/g, '');
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the CLI on a pseudo-terminal, answering prompts as they appear. Rejects when
 * the CLI exits before every step was seen, so a prompt that never came is a failure.
 */
export function runOnTerminal(
  args: string[],
  steps: TerminalStep[],
  env: Record<string, string> = {},
  columns = 200,
): Promise<TerminalResult> {
  const command = `stty cols ${columns} rows 60; exec ${[process.execPath, binPath, ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd: repoRoot,
      env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', TERM: 'xterm', ...env},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Keys sent after the program exited meet a closed pipe: the screen and exit code tell what happened.
    child.stdin.on('error', () => undefined);
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
      const match = pending[0].waitFor.exec(plain(screen).slice(cursor));
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
      else resolve({code: code ?? -1, screen: plain(screen), raw: screen});
    });
  });
}
