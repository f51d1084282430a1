import {Chalk, type ChalkInstance} from 'chalk';

export interface ColorChoice {
  noColor?: boolean;
  stream: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

/** Colour only on a terminal, never with NO_COLOR or --no-color (chalk does not read NO_COLOR itself). */
export function useColor({noColor, stream, env = process.env}: ColorChoice): boolean {
  if (noColor) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/**
 * What a change does to the target, in every command: diff, picker, review, fanout,
 * restart and undo all read "target now → target after". One colour and one symbol
 * per kind, so the meaning survives without colour.
 */
export type ChangeKind = 'added' | 'removed' | 'changed' | 'same';

export const CHANGE_SYMBOL: Record<ChangeKind, string> = {added: '+', removed: '-', changed: '~', same: ' '};

export interface Theme {
  chalk: ChalkInstance;
  /** Green: added to the target. */
  added: (text: string) => string;
  /** Red: leaves the target. */
  removed: (text: string) => string;
  /** Red: changes in the target. */
  changed: (text: string) => string;
  /** Dim: unchanged. */
  same: (text: string) => string;
  /** Yellow: warnings, conflicts, skips and failures: something to look at, not a change. */
  warning: (text: string) => string;
  dim: (text: string) => string;
  bold: (text: string) => string;
  heading: (text: string) => string;
}

export function createTheme(color: boolean): Theme {
  const chalk = new Chalk({level: color ? 1 : 0});
  return {
    chalk,
    added: chalk.green,
    removed: chalk.red,
    changed: chalk.red,
    same: chalk.dim,
    warning: chalk.yellow,
    dim: chalk.dim,
    bold: chalk.bold,
    heading: chalk.bold.cyan,
  };
}

/** Text painted as its change kind. */
export function paintChange(theme: Theme, kind: ChangeKind, text: string): string {
  return theme[kind](text);
}

/** A line (or cell) that starts with the change's symbol, painted as its kind. */
export function changeLine(theme: Theme, kind: ChangeKind, text: string): string {
  return theme[kind](`${CHANGE_SYMBOL[kind]} ${text}`);
}

/** The legend printed wherever symbols and colour carry meaning. */
export function changeLegend(theme: Theme, width = Number.POSITIVE_INFINITY): string {
  const parts = [
    theme.added('+ added to target'),
    theme.removed('- removed from target'),
    theme.changed('~ changed in target (now → after sync)'),
  ];
  // Within the width: continued under its first entry (ui/table.ts's joinFitted, kept here so theme imports nothing).
  const head = 'Legend: ';
  const lines = [theme.dim(head) + parts[0]];
  let used = head.length + plainLength(parts[0]);
  for (const part of parts.slice(1)) {
    if (used + 3 + plainLength(part) > width) {
      lines[lines.length - 1] += theme.dim(' ·');
      lines.push(' '.repeat(head.length) + part);
      used = head.length + plainLength(part);
    } else {
      lines[lines.length - 1] += theme.dim(' · ') + part;
      used += 3 + plainLength(part);
    }
  }
  return lines.join('\n');
}

function plainLength(text: string): number {
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
