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

export interface Theme {
  chalk: ChalkInstance;
  added: (text: string) => string;
  removed: (text: string) => string;
  changed: (text: string) => string;
  same: (text: string) => string;
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
    changed: chalk.yellow,
    same: chalk.gray,
    dim: chalk.dim,
    bold: chalk.bold,
    heading: chalk.bold.cyan,
  };
}
