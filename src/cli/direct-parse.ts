// Reads a command line from the build's manifest (dist/completion.json) with Node's own
// util.parseArgs, so that a command starts without loading oclif (a third of a small diff's
// time). It reads only what it is sure oclif reads the same way: anything else (an unknown
// flag, a bad value, a missing argument, a form oclif reads differently such as `-o=json`)
// is handed back undefined and oclif parses it, producing its error or its reading.
// test/unit/direct-parse.test.ts holds the two parsers to one reading on generated command lines.
import {parseArgs} from 'node:util';
import type {CommandShape, FlagShape} from './completion.js';

export interface ParsedCommandLine {
  /** Given flags and flags with defaults; booleans that were not given are absent, as in oclif. */
  flags: Record<string, unknown>;
  /** Positional words by argument name. */
  args: Record<string, string>;
  /** Every positional word in order (diff's NAME...). */
  argv: string[];
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

const NEGATION = 'no-';

export function parseCommandLine(words: string[], shape: CommandShape): ParsedCommandLine | undefined {
  const options: Options = {};
  const byName = new Map<string, FlagShape>();
  for (const flag of shape.flags) {
    byName.set(flag.name, flag);
    options[flag.name] = {
      type: flag.boolean ? 'boolean' : 'string',
      multiple: flag.multiple ?? false,
      ...(flag.char ? {short: flag.char} : {}),
    };
  }
  const negations = new Map<string, FlagShape>();
  for (const flag of shape.flags) {
    const negation = `${NEGATION}${flag.name}`;
    if (!flag.allowNo || byName.has(negation)) continue;
    negations.set(negation, flag);
    options[negation] = {type: 'boolean'};
  }

  let tokens;
  try {
    ({tokens} = parseArgs({args: words, options, strict: true, allowPositionals: true, tokens: true}));
  } catch {
    return undefined;
  }

  const given = new Map<string, string[]>();
  const negated = new Set<string>();
  const positionals: string[] = [];
  const indexes = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    // A group of short flags (-qy) is read one letter at a time by oclif: not attempted here.
    if (indexes.has(token.index)) return undefined;
    indexes.add(token.index);
    const short = !token.rawName.startsWith('--');
    const value = token.value;
    // oclif reads -o=json as "json", where parseArgs keeps the "="; a value that starts with "-"
    // may be a flag to oclif.
    if (value !== undefined && (value.startsWith('-') || (short && token.inlineValue && value.startsWith('=')))) return undefined;
    const negationOf = negations.get(token.name);
    const name = negationOf?.name ?? token.name;
    const flag = byName.get(name);
    if (!flag) return undefined;
    // Given twice: oclif refuses a repeated value flag; a repeated switch is left to it too.
    if (given.has(name) && !flag.multiple) return undefined;
    if (negationOf) negated.add(name);
    given.set(name, [...(given.get(name) ?? []), value ?? '']);
  }

  const flags: ParsedCommandLine['flags'] = {};
  for (const flag of shape.flags) {
    const values = given.get(flag.name);
    if (!values) {
      if (flag.required) return undefined;
      if (flag.default !== undefined) flags[flag.name] = flag.default;
      continue;
    }
    if (flag.exclusive?.some((other) => given.has(other))) return undefined;
    if (flag.boolean) {
      flags[flag.name] = !negated.has(flag.name);
      continue;
    }
    const read: Array<string | number> = [];
    for (const value of values) {
      const typed = readValue(flag, value);
      if (typed === undefined) return undefined;
      read.push(typed);
    }
    flags[flag.name] = flag.multiple ? read : read[0];
  }

  if (!shape.variadic && positionals.length > shape.args.length) return undefined;
  const args: ParsedCommandLine['args'] = {};
  for (const [i, arg] of shape.args.entries()) {
    const word = positionals[i];
    if (word === undefined) {
      if (arg.required) return undefined;
      continue;
    }
    if (arg.options && !arg.options.includes(word)) return undefined;
    args[arg.name] = word;
  }
  return {flags, args, argv: positionals};
}

/** The value as oclif's parser for the flag returns it, or undefined where oclif would refuse it. */
function readValue(flag: FlagShape, value: string): string | number | undefined {
  if (flag.options && !flag.options.includes(value)) return undefined;
  if (!flag.integer) return value;
  if (!/^-?\d+$/.test(value)) return undefined;
  const number = Number.parseInt(value, 10);
  const {min, max} = flag.integer;
  if ((min !== undefined && number < min) || (max !== undefined && number > max)) return undefined;
  return number;
}
