// Bad command lines of every kind for every command, generated from the manifest (flags,
// arguments, choices, exclusive and required flags), so a command or flag added later is
// covered too. Each says what a correct error names and, for a near miss, what it suggests.
import type {CommandShape, CompletionManifest, FlagShape} from '../../src/cli/completion.js';

export interface BadCommandLine {
  name: string;
  args: string[];
  /** A part of the error line that says what was wrong. */
  names: string;
  /** The word `did you mean …?` must offer. */
  suggestion?: string;
}

/** One typo within edit distance 1: the third letter doubled. */
const typo = (word: string): string => word.slice(0, 3) + word.slice(2);

function valueFor(flag: FlagShape): string {
  if (flag.options) return flag.options[0];
  if (flag.integer) return String(flag.integer.min ?? 1);
  return 'x';
}

function argWords(shape: CommandShape, all: boolean): string[] {
  return shape.args
    .filter((arg) => all || arg.required)
    .map((arg) => arg.options?.[0] ?? (arg.name === 'object' ? 'configmap/x' : arg.name === 'run_id' ? 'run-1' : 'a'));
}

export function badCommandLines(manifest: CompletionManifest): BadCommandLine[] {
  const ids = Object.keys(manifest.commands).sort();
  const lines: BadCommandLine[] = [];
  for (const id of ids) {
    const shape = manifest.commands[id];
    const words = id.split(':');
    const requiredFlags = shape.flags.filter((f) => f.required).flatMap((f) => [`--${f.name}`, valueFor(f)]);
    const base = [...words, ...argWords(shape, false), ...requiredFlags];
    const valued = shape.flags.filter((f) => !f.boolean && !f.required);
    const own = valued.filter((f) => !f.persistent);
    const add = (kind: string, args: string[], names: string, suggestion?: string) =>
      lines.push({name: `${words.join(' ')}: ${kind}`, args, names, suggestion});

    const longest = [...shape.flags].sort((a, b) => b.name.length - a.name.length || a.name.localeCompare(b.name))[0];
    if (longest) add('unknown flag near a flag', [...base, `--${typo(longest.name)}`], 'unknown flag', `--${longest.name}`);
    const needsValue = own[0] ?? valued[0];
    if (needsValue) add('flag missing its value', [...base, `--${needsValue.name}`], `flag needs an argument: --${needsValue.name}`);
    const once = valued.find((f) => !f.multiple && !f.exclusive);
    if (once) add('flag given twice', [...base, `--${once.name}`, valueFor(once), `--${once.name}`, valueFor(once)], `--${once.name}`);
    for (const flag of shape.flags.filter((f) => f.options)) {
      const bad = typo(flag.options![0]);
      add(`bad value for --${flag.name}`, [...base, `--${flag.name}`, bad], `"${bad}" for --${flag.name}`, flag.options![0]);
    }
    for (const [i, arg] of shape.args.entries()) {
      if (!arg.options) continue;
      const bad = typo(arg.options[0]);
      add(
        `bad ${arg.name.toUpperCase()}`,
        [...words, ...argWords(shape, true).slice(0, i), bad],
        `"${bad}" for ${arg.name.toUpperCase()}`,
        arg.options[0],
      );
    }
    if (!shape.variadic)
      add(
        'extra arguments',
        [...words, ...argWords(shape, true), 'configmap/extra1', 'configmap/extra2', ...requiredFlags],
        'unexpected argument',
      );
    if (shape.args.some((a) => a.required)) add('missing argument', [...words, ...requiredFlags], 'missing');
    for (const flag of shape.flags.filter((f) => f.required))
      add(`missing --${flag.name}`, [...words, ...argWords(shape, false)], `required flag --${flag.name} not set`);
    const pairs = new Set<string>();
    for (const flag of shape.flags) {
      for (const other of flag.exclusive ?? []) {
        const key = [flag.name, other].sort().join(' ');
        const otherFlag = shape.flags.find((f) => f.name === other);
        if (pairs.has(key) || !otherFlag) continue;
        pairs.add(key);
        const give = (f: FlagShape) => (f.boolean ? [`--${f.name}`] : [`--${f.name}`, valueFor(f)]);
        add(`--${flag.name} with --${other}`, [...base, ...give(flag), ...give(otherFlag)], 'cannot be used together');
      }
    }
    const subcommands = ids.filter((other) => other.startsWith(`${id}:`)).map((other) => other.split(':')[words.length]);
    if (subcommands[0]) add('near-miss subcommand', [...words, typo(subcommands[0]), 'configmap/x'], 'unknown command', subcommands[0]);
  }
  // Topics that are not commands themselves (controller).
  const topics = [...new Set(ids.filter((id) => id.includes(':')).map((id) => id.split(':')[0]))].filter((t) => !manifest.commands[t]);
  for (const topic of topics) {
    const sub = ids.find((id) => id.startsWith(`${topic}:`))!.split(':')[1];
    lines.push({name: `${topic}: near-miss command`, args: [topic, typo(sub)], names: 'unknown command', suggestion: sub});
    lines.push({name: `${topic}: unknown flag`, args: [topic, '--bogus'], names: 'unknown flag: --bogus'});
  }
  return lines;
}

/** oclif's own wording, which must never reach the user. */
export const OCLIF_PHRASES = [
  'The following error occurred',
  'The following errors occurred',
  'Unexpected argument',
  'expects a value',
  'can only be specified once',
  '›',
  'Error:',
  'See more help',
  'Nonexistent flag',
  'to be one of:',
  'not found',
];
