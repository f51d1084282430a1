import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import xterm from '@xterm/headless';
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
  /**
   * Take a frame before typing: the terminal's screen, as a terminal draws it, from the last
   * line holding this text down to the last line written.
   */
  frameFrom?: string;
}

export interface TerminalResult {
  code: number;
  /** Everything the terminal showed, escape sequences removed. */
  screen: string;
  /** Everything the terminal showed, as sent (colours included). */
  raw: string;
  /** The frames the steps asked for, in order (see TerminalStep.frameFrom). */
  frames: string[];
  /** The whole terminal at the end, scrollback included, as a terminal draws it (colours left out). */
  finalScreen: string;
  /** Lines the program wrote wider than the terminal, which the terminal wrapped (each line whole). */
  wrapped: string[];
}

/** How long the program must stay quiet before a frame is taken: a prompt is drawn in one burst. */
const SETTLE_MS = 300;

/**
 * A terminal emulator (xterm.js, headless) fed everything the program writes: what a user sees is
 * what it draws, cursor movement and prompt redraws included, not the stream of bytes.
 */
class EmulatedScreen {
  private readonly terminal: InstanceType<typeof xterm.Terminal>;
  private pending = Promise.resolve();

  constructor(columns: number, rows: number) {
    this.terminal = new xterm.Terminal({cols: columns, rows, scrollback: 10_000, allowProposedApi: true});
  }

  write(data: string): void {
    this.pending = this.pending.then(() => new Promise<void>((resolve) => this.terminal.write(data, resolve)));
  }

  /** Every line, scrollback included, with trailing blanks removed. */
  async lines(): Promise<string[]> {
    await this.pending;
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** The lines that did not fit the terminal, whole: each with the continuation the terminal wrapped. */
  async wrapped(): Promise<string[]> {
    await this.pending;
    const buffer = this.terminal.buffer.active;
    const wrapped: string[] = [];
    for (let i = 1; i < buffer.length; i++) {
      if (!buffer.getLine(i)?.isWrapped) continue;
      let start = i - 1;
      while (start > 0 && buffer.getLine(start)?.isWrapped) start--;
      let end = i;
      while (end + 1 < buffer.length && buffer.getLine(end + 1)?.isWrapped) end++;
      const parts: string[] = [];
      for (let j = start; j <= end; j++) parts.push(buffer.getLine(j)?.translateToString(j === end) ?? '');
      wrapped.push(parts.join(''));
      i = end;
    }
    return wrapped;
  }

  /** From the last line holding `text` to the last line written. */
  async frameFrom(text: string): Promise<string> {
    const lines = await this.lines();
    let start = -1;
    for (let i = lines.length - 1; i >= 0 && start < 0; i--) if (lines[i].includes(text)) start = i;
    if (start < 0) throw new Error(`"${text}" is not on the screen:\n${lines.join('\n')}`);
    return lines.slice(start).join('\n');
  }
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
  cwd = repoRoot,
): Promise<TerminalResult> {
  const command = `stty cols ${columns} rows 60; exec ${[process.execPath, binPath, ...args].map(quote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, ['-qfec', command, '/dev/null'], {
      cwd,
      env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', TERM: 'xterm', ...env},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Whole characters only: a chunk may end inside a multi-byte one (◉, →).
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // Keys sent after the program exited meet a closed pipe: the screen and exit code tell what happened.
    child.stdin.on('error', () => undefined);
    let screen = '';
    let cursor = 0;
    let busy = false;
    let lastOutput = Date.now();
    const pending = [...steps];
    const emulated = new EmulatedScreen(columns, 60);
    const frames: string[] = [];
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
      if (step.frameFrom !== undefined) {
        while (Date.now() - lastOutput < SETTLE_MS) await new Promise((r) => setTimeout(r, 50));
        frames.push(await emulated.frameFrom(step.frameFrom));
      }
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
      lastOutput = Date.now();
      emulated.write(d as string);
      void advance().catch(reject);
    });
    child.stderr.on('data', (d) => (screen += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending.length > 0) reject(new Error(`exited (${code}) before ${pending[0].waitFor}; screen:\n${plain(screen)}`));
      else
        void Promise.all([emulated.lines(), emulated.wrapped()]).then(([lines, wrapped]) =>
          resolve({code: code ?? -1, screen: plain(screen), raw: screen, frames, finalScreen: lines.join('\n'), wrapped}),
        );
    });
  });
}
