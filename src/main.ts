// Program entry shared by the npm package (bin/run.js) and the single executable.
// A kubectl plugin is started often and briefly, so the answers that need neither
// oclif nor the Kubernetes client (--help, --version, shell completion, usage errors of
// the command line) are given before either is loaded.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import pjson from '../package.json' with {type: 'json'};
import {planCommandLine, type CommandLine} from './cli/command-line.js';
import type {CompletionManifest} from './cli/completion.js';
import {markPhase} from './phases.js';
import {userAgent} from './version.js';
import {COMMAND_RUNS} from './command-runs.js';

export {describeCommands} from './cli/completion.js';

/** Stands for oclif's user agent line in the prebuilt help text (it names the Node version that runs). */
export const USER_AGENT_PLACEHOLDER = '@@USER_AGENT@@';
/** Every command's prebuilt help, beside help.txt (the root help). */
export const COMMAND_HELP_ASSET = 'command-help.json';
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

export async function main(argv: string[], entry: Entry): Promise<void> {
  markPhase('main');
  dropOutputOnceReaderCloses();
  exitInterruptedOnSignal();
  const fast = !process.env[NO_FAST_PATH_ENV];
  if (fast && argv[0] === '__complete') {
    const {runCompletion} = await import('./cli/completion-runtime.js');
    const answer = await runCompletion(argv.slice(1), entry.asset('completion.json'));
    // A connection still waiting on an unresponsive API server must not keep the shell waiting.
    await new Promise<void>((resolve) => process.stdout.write(answer, () => resolve()));
    process.exit(0);
  }
  const manifest = readManifest(entry.asset('completion.json'));
  // Without the manifest (only while the build generates the help text) oclif gets the words as typed.
  const plan: CommandLine = manifest ? planCommandLine(argv, manifest) : {kind: 'run', argv};
  switch (plan.kind) {
    case 'error':
      process.stderr.write(`error: ${plan.message}\n`);
      process.exitCode = 2;
      return;
    case 'version':
      if (fast) {
        process.stdout.write(`${userAgent()}\n`);
        return;
      }
      return runOclif(['--version'], entry);
    case 'root-help': {
      const text = fast ? entry.asset('help.txt') : undefined;
      if (text) {
        process.stdout.write(text.replaceAll(USER_AGENT_PLACEHOLDER, userAgent()));
        return;
      }
      return runOclif(['--help'], entry);
    }
    case 'command-help': {
      const text = fast ? commandHelpText(entry, plan.id) : undefined;
      if (text) {
        process.stdout.write(text.replaceAll(USER_AGENT_PLACEHOLDER, userAgent()));
        return;
      }
      return runOclif(plan.argv, entry);
    }
    case 'run':
      if (fast && manifest && plan.id && plan.words && (await runDirect(plan.id, plan.words, manifest))) return;
      return runOclif(plan.argv, entry);
  }
}

/**
 * Ctrl-C or SIGTERM ends a command with 130 (interrupted), as documented. A command that takes the
 * signal itself (a write batch finishing its write and journal, the controller releasing its Lease)
 * has its own listener and decides; this one then stands aside.
 */
function exitInterruptedOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      process.exit(130);
    });
  }
}

/**
 * A reader that stops early (`| head`, `2>&1 | head`) is not an error: the command ends as it
 * would have (a sync finishes its writes and journal), with its own exit code, and what it still
 * prints goes nowhere. Without this, a closed pipe is an unhandled 'error' event (a stack trace,
 * exit 1, which reads as "differs"), and oclif's wait for 'drain' on stdout never ends (Node exits with 13).
 */
function dropOutputOnceReaderCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stream.write = (...args: unknown[]) => {
        const callback = args.findLast((arg) => typeof arg === 'function') as (() => void) | undefined;
        if (callback) process.nextTick(callback);
        return true;
      };
      // Whoever waits for the buffered output to drain (oclif does) waits no more.
      stream.emit('drain');
    });
  }
}

/**
 * Starts the command without oclif when the manifest reads its command line (almost always):
 * a third of a small diff's time is oclif's start-up. False hands the line to oclif, which reads
 * what the manifest cannot (and words every usage error).
 */
async function runDirect(id: string, words: string[], manifest: CompletionManifest): Promise<boolean> {
  const shape = manifest.commands[id];
  const load = COMMAND_RUNS[id];
  if (!shape || !load) return false;
  const {parseCommandLine} = await import('./cli/direct-parse.js');
  const input = parseCommandLine(words, shape);
  if (!input) return false;
  const {CommandIO} = await import('./cli/command-io.js');
  const io = new CommandIO();
  io.begin(input.flags);
  try {
    const run = await load();
    await run(input as never, io);
  } catch (error) {
    io.fail(error);
  }
  await exitWhenWritten();
  return true;
}

/** oclif wraps help a column or two past the width it is given: it is given this much less. */
const OCLIF_WRAP_MARGIN = 3;

async function runOclif(argv: string[], entry: Entry): Promise<void> {
  // Read when oclif loads. The prebuilt help (scripts/build.mjs) is oclif's, piped: 80 columns.
  const columns = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 80;
  process.env.OCLIF_COLUMNS ??= String(Math.max(40, columns - OCLIF_WRAP_MARGIN));
  const {execute, Plugin} = await loadOclif();
  markPhase('oclif');
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
  markPhase('done');
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

/** A command's help as oclif printed it at build time (dist/command-help.json: command id → text). */
function commandHelpText(entry: Entry, id: string): string | undefined {
  const text = entry.asset(COMMAND_HELP_ASSET);
  if (!text) return undefined;
  try {
    const help = JSON.parse(text) as Record<string, unknown>;
    const value = help[id];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function readManifest(text: string | undefined): CompletionManifest | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as CompletionManifest;
  } catch {
    return undefined;
  }
}
