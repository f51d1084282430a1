// The command line before oclif sees it: the kubectl conventions oclif lacks. kubectl's
// global flags may come before the command (`--context alpha diff …`), `help COMMAND`
// is `COMMAND --help`, `-v=6` is a log level, and a word or flag that names nothing is
// one `error:` line with a suggestion. Pure: it reads only the completion manifest
// (dist/completion.json), so neither oclif nor the Kubernetes client is loaded for it.
import {findFlag, persistentFlags, type CompletionManifest} from './completion.js';

export const PROGRAM = 'kubectl configsync';

export type CommandLine =
  /** Run command `id` (e.g. fanout:status) with `words` (the words after its name); argv is the whole line for oclif. */
  | {kind: 'run'; argv: string[]; id?: string; words?: string[]}
  | {kind: 'root-help'}
  /** One command's help (`diff --help`, `help diff`): the prebuilt text, as oclif prints it. */
  | {kind: 'command-help'; id: string; argv: string[]}
  | {kind: 'version'}
  /** A usage error (exit 2), one line without the `error: ` prefix. */
  | {kind: 'error'; message: string};

export function planCommandLine(input: string[], manifest: CompletionManifest): CommandLine {
  const verbosity = normalizeVerbosity(input);
  if ('error' in verbosity) return {kind: 'error', message: verbosity.error};
  const argv = verbosity.argv;
  const persistent = persistentFlags(manifest);
  const leading: string[] = [];
  let wantsHelp = false;
  let wantsVersion = false;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-' && argv[i] !== '--'; i++) {
    const word = argv[i];
    if (word === '--help' || word === '-h') {
      wantsHelp = true;
      continue;
    }
    if (word === '--version') {
      wantsVersion = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq === -1 ? word : word.slice(0, eq);
    const flag = findFlag(persistent, name);
    if (!flag)
      return {kind: 'error', message: unknownFlagMessage(name, [...persistent.map((f) => `--${f.name}`), '--help', '--version'], PROGRAM)};
    leading.push(word);
    if (flag.boolean || eq !== -1) continue;
    if (i + 1 >= argv.length) return {kind: 'error', message: `flag needs an argument: ${name}`};
    leading.push(argv[++i]);
  }
  const rest = argv.slice(i);
  if (wantsVersion) return {kind: 'version'};
  if (rest.length === 0 || (rest[0] === '--' && rest.length === 1)) return {kind: 'root-help'};

  if (rest[0] === 'help') {
    const words = rest.slice(1).filter((w) => !w.startsWith('-'));
    if (words.length === 0) return {kind: 'root-help'};
    const command = commandWords(words, manifest);
    if ('error' in command) return {kind: 'error', message: command.error};
    return commandHelp(command.words);
  }
  const command = commandWords(rest, manifest);
  if ('error' in command) return {kind: 'error', message: command.error};
  // As oclif reads it: --help or -h anywhere before "--" asks for the command's help.
  const beforeDashes = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (wantsHelp || beforeDashes.some((word) => word === '--help' || word === '-h')) return commandHelp(command.words);
  if (command.words.length === rest.length && rest.length === 1 && rest[0] === 'version' && leading.length === 0) return {kind: 'version'};
  const words = [...leading, ...rest.slice(command.words.length)];
  return {kind: 'run', argv: [...command.words, ...words], id: command.words.join(':'), words};
}

function commandHelp(words: string[]): CommandLine {
  return {kind: 'command-help', id: words.join(':'), argv: [...words, '--help']};
}

/** The words naming a command: a top-level command, then topic words ("fanout status"). */
function commandWords(words: string[], manifest: CompletionManifest): {words: string[]} | {error: string} {
  const ids = Object.keys(manifest.commands);
  const topLevel = [...new Set(ids.map((id) => id.split(':')[0]))].sort();
  const first = words[0];
  if (!topLevel.includes(first)) {
    const guess = suggest(first, topLevel);
    return {
      error: `unknown command "${first}" for "${PROGRAM}"${guess ? `: did you mean ${guess}?` : ''} (commands: ${topLevel.join(', ')})`,
    };
  }
  const chosen = [first];
  while (chosen.length < words.length && manifest.commands[[...chosen, words[chosen.length]].join(':')]) chosen.push(words[chosen.length]);
  const next = words[chosen.length];
  const parent = [PROGRAM, ...chosen].join(' ');
  const subcommands = ids
    .filter((id) => id.startsWith(`${chosen.join(':')}:`))
    .map((id) => id.split(':')[chosen.length])
    .filter((word, i, all) => all.indexOf(word) === i)
    .sort();
  if (next !== undefined && !next.startsWith('-') && subcommands.length > 0) {
    const guess = suggest(next, subcommands);
    // A topic alone (controller) runs nothing: any word after it must name one of its commands.
    // After a command that also has subcommands (fanout), a word near one of them is that mistyped.
    if (!manifest.commands[chosen.join(':')] || (guess && !next.includes('/'))) {
      return {
        error: `unknown command "${next}" for "${parent}"${guess ? `: did you mean ${guess}?` : ''} (commands: ${subcommands.join(', ')})`,
      };
    }
  }
  const shape = manifest.commands[chosen.join(':')];
  // A topic takes only a command (or --help); oclif would print the topic's help for anything else.
  if (!shape && next?.startsWith('-') && next !== '--help' && next !== '-h')
    return {error: unknownFlagMessage(next.split('=')[0], ['--help'], parent)};
  // oclif reads a word after a command without arguments as a subcommand it cannot find.
  if (shape && shape.args.length === 0 && !shape.variadic && next !== undefined && !next.startsWith('-'))
    return {error: `unexpected argument "${next}": ${chosen.join(' ')} takes no arguments (see ${parent} --help)`};
  return {words: chosen};
}

/**
 * kubectl's `-v=6`, `-v 6` and `-v6` become `--v=6` (oclif cannot give a one-letter flag
 * an `=` value). A bare `-v` without a level is refused, as kubectl refuses it.
 */
export function normalizeVerbosity(argv: string[]): {argv: string[]} | {error: string} {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const short = /^-v(?:=(.*)|(\d+))?$/.exec(word);
    if (!short) {
      out.push(word);
      continue;
    }
    let level = short[1] ?? short[2] ?? '';
    if (word === '-v') {
      if (i + 1 >= argv.length || !/^\d+$/.test(argv[i + 1]))
        return {error: 'flag needs an argument: -v takes a log level, e.g. -v=6 (the version is --version)'};
      level = argv[++i];
    }
    out.push(`--v=${level}`);
  }
  return {argv: out};
}

/** `unknown flag: --contxt: did you mean --context? (see kubectl configsync diff --help)` */
export function unknownFlagMessage(flag: string, known: string[], helpFor: string): string {
  const guess = flag.startsWith('--')
    ? suggest(
        flag,
        known.filter((k) => k.startsWith('--')),
      )
    : undefined;
  return `unknown flag: ${flag}${guess ? `: did you mean ${guess}?` : ''} (see ${helpFor} --help)`;
}

/**
 * The nearest candidate, as Cobra suggests: one that starts with the word, or is at most
 * two edits away (for short words, one). Undefined when nothing is near.
 */
export function suggest(word: string, candidates: string[]): string | undefined {
  const typed = word.toLowerCase();
  const bare = typed.replace(/^-+/, '');
  if (!bare) return undefined;
  const limit = bare.length <= 3 ? 1 : 2;
  let best: {candidate: string; distance: number} | undefined;
  for (const candidate of [...candidates].sort()) {
    const lower = candidate.toLowerCase();
    const distance = lower.startsWith(typed) && bare.length >= 2 ? 0 : editDistance(typed, lower);
    if (distance <= limit && (!best || distance < best.distance)) best = {candidate, distance};
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
