import {isDeepStrictEqual} from 'node:util';
import {Parser} from '@oclif/core';
import {describe, expect, it} from 'vitest';
import {describeCommands, type CommandShape} from '../../src/cli/completion.js';
import {parseCommandLine} from '../../src/cli/direct-parse.js';
import {COMMAND_RUNS} from '../../src/command-runs.js';
import {COMMANDS, INTEGER_PARSE} from '../../src/commands.js';

// Commands start without oclif when the manifest reads their command line. The guarantee: where
// the manifest gives a reading, oclif gives the same one; where it cannot, oclif is asked. Checked
// on lines people type and on thousands of generated ones, with every form oclif knows.

const manifest = describeCommands(COMMANDS, INTEGER_PARSE);
type Id = keyof typeof COMMANDS;

interface Reading {
  flags: Record<string, unknown>;
  args: Record<string, unknown>;
  argv: unknown[];
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

async function oclifReading(id: Id, words: string[]): Promise<Reading | {error: string}> {
  const command = COMMANDS[id];
  try {
    const out = await Parser.parse(words, {
      flags: command.flags ?? {},
      args: command.args ?? {},
      strict: command.strict !== false && !('variadic' in command && command.variadic),
      context: undefined,
    });
    return {flags: withoutUndefined(out.flags), args: withoutUndefined(out.args), argv: out.argv};
  } catch (error) {
    return {error: (error as Error).message};
  }
}

function directReading(id: Id, words: string[]): Reading | undefined {
  const read = parseCommandLine(words, manifest.commands[id]);
  return read && {flags: withoutUndefined(read.flags), args: read.args, argv: read.argv};
}

/**
 * The same reading. One known difference is allowed: oclif sorts positional words by the place of
 * their first occurrence in the line, so a repeated word moves (`diff a b a` reads a, a, b, and a
 * second `--` moves to the front); the manifest keeps
 * the order typed. Where no word repeats, the order must match too.
 */
function sameReading(words: string[], direct: Reading, oclif: Reading | {error: string}): boolean {
  if ('error' in oclif) return false;
  if (isDeepStrictEqual(direct, oclif)) return true;
  const repeats = new Set(words).size < words.length;
  const sorted = (words: unknown[]) => words.map(String).sort();
  return (
    repeats &&
    isDeepStrictEqual({...direct, argv: sorted(direct.argv)}, {...oclif, argv: sorted(oclif.argv)}) &&
    isDeepStrictEqual(direct.args, oclif.args)
  );
}

/** A small deterministic generator (mulberry32), so a failure names a line that can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LINES_PER_COMMAND = 500;
const STRING_VALUES = ['alpha', 'a=b', '', '-x', '--context', 'x y', 'configmap/app', '-', '=json', 'app=web,tier!=db'];
const INTEGER_VALUES = ['0', '3', '-1', 'abc', '12x', '007', '-0', '99999'];
const POSITIONALS = ['staging', 'prod', 'configmap/app', 'secret/db', '-', '--', '-5', 'bash', 'alpha/web', 'x'];

/** One word or a flag with its value, in one of the forms oclif accepts (or refuses). */
function generateLine(shape: CommandShape, next: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const words: string[] = [];
  const length = Math.floor(next() * 8);
  for (let i = 0; i < length; i++) {
    const roll = next();
    if (roll < 0.3 || shape.flags.length === 0) {
      words.push(pick(POSITIONALS));
      continue;
    }
    if (roll < 0.35) {
      words.push(pick(['--bogus', '-Z', '--no-bogus', '--ouptut=json']));
      continue;
    }
    const flag = pick(shape.flags);
    const values = flag.options ? [...flag.options, 'bogus'] : flag.integer ? INTEGER_VALUES : STRING_VALUES;
    const value = pick(values);
    const long = `--${flag.name}`;
    if (flag.boolean) {
      words.push(pick([long, long, flag.allowNo ? `--no-${flag.name}` : long, `${long}=true`, ...(flag.char ? [`-${flag.char}`] : [])]));
      continue;
    }
    const forms: string[][] = [[long, value], [`${long}=${value}`], [long]];
    if (flag.char) forms.push([`-${flag.char}`, value], [`-${flag.char}${value}`], [`-${flag.char}=${value}`]);
    words.push(...pick(forms));
  }
  return words;
}

/** Lines as people type them: each must be read without oclif. */
const TYPICAL: Array<[Id, string[]]> = [
  ['diff', ['staging', 'prod']],
  ['diff', ['alpha/staging', 'beta/prod', 'configmap/app', '-o', 'json']],
  ['diff', ['staging', 'prod', '--kind', 'configmaps,secrets', '-ojson', '-C', '5', '--no-hide-identical-keys']],
  ['diff', ['staging', 'prod', '--ignore-key', 'DB_HOST', '--ignore-key', '*.endpoint', 'configmap/app']],
  ['diff', ['dev', 'staging', 'eu/prod', 'us/prod', '--baseline=dev', '--context', 'alpha', '-n', 'web', '--v=6']],
  ['sync', ['staging', 'prod', '--keys', 'LOG_LEVEL,REPLICAS', '--yes', '--dry-run=server', '-o', 'yaml']],
  ['sync', ['staging', 'prod', '--all', '--prune', '--restart', '--wait', '--timeout', '2m']],
  ['fanout', ['configmap/app', '-n', 'src', '--to-namespace', 'a,b', '--to-context', 'alpha,beta', '--on-conflict', 'adopt', '--yes']],
  ['fanout:status', ['configmap/app', '-n', 'src', '-o', 'json']],
  ['restart', ['configmap/app', '-n', 'web', '--dry-run=client', '--max-parallel', '2']],
  ['undo', ['--list']],
  ['undo', ['20261202T041500Z-abc123', '--yes', '--dry-run=client']],
  ['controller:run', ['--from-annotations', '--leader-elect', '--metrics-bind-address', ':8080', '--', 'configmap/app', '-n', 'src', '-A']],
  ['controller:manifests', ['--namespace', 'configsync', '--from-annotations', '-o', 'json']],
  ['completion', ['bash']],
  ['version', []],
];

describe('reading a command line without oclif', () => {
  it('knows every command, and every command has a body it can start', () => {
    expect(Object.keys(COMMAND_RUNS).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it.each(TYPICAL)('reads %s %j as oclif does', async (id, words) => {
    const direct = directReading(id, words);
    expect(direct, 'the manifest gave no reading: this line would pay for oclif').toBeDefined();
    expect(direct).toEqual(await oclifReading(id, words));
  });

  it('never reads a generated line differently from oclif, and reads most lines oclif accepts', async () => {
    let compared = 0;
    let acceptedByOclif = 0;
    let readDirectly = 0;
    const disagreements: string[] = [];
    for (const id of Object.keys(COMMANDS) as Id[]) {
      const next = random(id.length * 7919);
      for (let i = 0; i < LINES_PER_COMMAND; i++) {
        const words = generateLine(manifest.commands[id], next);
        const direct = directReading(id, words);
        const oclif = await oclifReading(id, words);
        compared++;
        if (!('error' in oclif)) acceptedByOclif++;
        if (!direct) continue;
        readDirectly++;
        if (!sameReading(words, direct, oclif))
          disagreements.push(`${id} ${JSON.stringify(words)}: manifest ${JSON.stringify(direct)}, oclif ${JSON.stringify(oclif)}`);
      }
    }
    console.log(`${compared} lines: oclif accepted ${acceptedByOclif}, the manifest read ${readDirectly}`);
    expect(disagreements.slice(0, 5)).toEqual([]);
    // Counted, then asserted: the manifest must carry most of the lines oclif accepts, or the fast path is a fiction.
    expect(compared).toBe(Object.keys(COMMANDS).length * LINES_PER_COMMAND);
    expect(readDirectly / acceptedByOclif).toBeGreaterThan(0.5);
  }, 60_000);

  it('refuses, at build time, a flag whose reading the manifest cannot carry', () => {
    const withEnv = {x: {flags: {token: {type: 'option', env: 'TOKEN'}}}};
    expect(() => describeCommands(withEnv, INTEGER_PARSE)).toThrow(/--token uses env/);
    const greedy = {x: {flags: {key: {type: 'option', multiple: true}}}};
    expect(() => describeCommands(greedy, INTEGER_PARSE)).toThrow(/several values after one flag/);
    const computed = {x: {flags: {mode: {type: 'option', default: () => 'a'}}}};
    expect(() => describeCommands(computed, INTEGER_PARSE)).toThrow(/computed default/);
  });
});
