// Program entry shared by the npm package (bin/run.js) and the single executable.
// A kubectl plugin is started often and briefly, so the answers that need neither
// oclif nor the Kubernetes client (--help, --version, shell completion) are given
// before either is loaded.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import pjson from '../package.json' with {type: 'json'};

export {describeCommands} from './cli/completion.js';

export const HELP_FLAGS = ['--help', '-h'];
export const VERSION_FLAGS = ['--version', '-v'];
/** Stands for oclif's user agent line in the prebuilt help text (it names the Node version that runs). */
export const USER_AGENT_PLACEHOLDER = '@@USER_AGENT@@';
/** Set to skip the fast paths, e.g. to generate the prebuilt help from oclif itself. */
export const NO_FAST_PATH_ENV = 'KUBECTL_CONFIGSYNC_NO_FAST_PATH';

export interface Entry {
  /** Directory that holds package.json (npm) or the executable (single binary). */
  root: string;
  /** A file the build made (help.txt, completion.json), if present. */
  asset(name: string): string | undefined;
  /** The single executable cannot import files: it hands oclif the command registry itself. */
  sea?: boolean;
}

/** What oclif prints for --version: name/version platform-arch node-version. */
export function userAgent(): string {
  return `${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}`;
}

export async function main(argv: string[], entry: Entry): Promise<void> {
  if (!process.env[NO_FAST_PATH_ENV]) {
    if (argv.length === 1 && VERSION_FLAGS.includes(argv[0])) {
      process.stdout.write(`${userAgent()}\n`);
      return;
    }
    if (argv.length === 1 && HELP_FLAGS.includes(argv[0])) {
      const text = entry.asset('help.txt');
      if (text) {
        process.stdout.write(text.replaceAll(USER_AGENT_PLACEHOLDER, userAgent()));
        return;
      }
    }
    if (argv[0] === '__complete') {
      const {runCompletion} = await import('./cli/completion-runtime.js');
      const answer = await runCompletion(argv.slice(1), entry.asset('completion.json'));
      // A connection still waiting on an unresponsive API server must not keep the shell waiting.
      await new Promise<void>((resolve) => process.stdout.write(answer, () => resolve()));
      process.exit(0);
    }
  }
  const unknown = unknownCommand(argv, entry.asset('completion.json'));
  if (unknown) {
    process.stderr.write(`error: unknown command "${unknown.word}" (commands: ${unknown.known.join(', ')}); see kubectl configsync --help\n`);
    process.exitCode = 2;
    return;
  }
  const {execute, Plugin} = await loadOclif();
  if (entry.sea) {
    const {COMMANDS} = await import('./commands.js');
    // oclif's explicit strategy imports the registry file by path, which a single
    // executable cannot do; handing over the bundled registry is the same result.
    (Plugin.prototype as unknown as {loadCommandsFromTarget(): Promise<unknown>}).loadCommandsFromTarget = async () => COMMANDS;
    await execute({args: argv, loadOptions: {root: entry.root, pjson: structuredClone(pjson) as never}});
  } else {
    await execute({args: argv, loadOptions: {root: entry.root}});
  }
  await exitWhenWritten();
}

/**
 * The command is over: end the process as kubectl does, once stdout and stderr are written.
 * A request that gave up (--request-timeout) can leave a connection attempt to a silent server
 * pending in the HTTP client for seconds more; it must not hold the shell.
 */
async function exitWhenWritten(): Promise<void> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  process.exit();
}

async function loadOclif(): Promise<typeof import('@oclif/core')> {
  const module = await import('@oclif/core');
  // Bundled, the CommonJS package arrives as one default export.
  return (module as unknown as {default?: typeof module}).default ?? module;
}

/** Entry of the npm package: package.json is one level above dist/. */
export function npmEntry(distDir: string): Entry {
  return {
    root: dirname(distDir),
    asset: (name) => readOptional(join(distDir, name)),
  };
}

/** Entry of the single executable: the help text is one of its assets. */
export async function seaEntry(): Promise<Entry> {
  const sea = await import('node:sea');
  return {
    root: dirname(process.execPath),
    sea: true,
    asset: (name) => {
      try {
        return sea.getAsset(name, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A first word that names no command or topic: oclif's own message is neither one line nor kubectl-like. */
export function unknownCommand(argv: string[], completionJson: string | undefined): {word: string; known: string[]} | undefined {
  const word = argv[0];
  if (!word || word.startsWith('-') || word === '__complete' || !completionJson) return undefined;
  let ids: string[];
  try {
    ids = Object.keys((JSON.parse(completionJson) as {commands: Record<string, unknown>}).commands);
  } catch {
    return undefined;
  }
  const known = [...new Set(ids.map((id) => id.split(/[: ]/)[0]))].sort();
  return known.includes(word) || word === 'help' ? undefined : {word, known};
}
