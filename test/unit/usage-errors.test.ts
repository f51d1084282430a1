import {Parser} from '@oclif/core';
import {describe, expect, it} from 'vitest';
import {PROGRAM, planCommandLine} from '../../src/cli/command-line.js';
import {describeCommands} from '../../src/cli/completion.js';
import {usageMessage} from '../../src/cli/usage-error.js';
import {COMMANDS, INTEGER_PARSE} from '../../src/commands.js';
import {badCommandLines, OCLIF_PHRASES} from '../support/bad-command-lines.js';

const manifest = describeCommands(COMMANDS, INTEGER_PARSE);
type Definition = (typeof COMMANDS)[keyof typeof COMMANDS];
const variadic = (command: Definition): boolean => 'variadic' in command && command.variadic === true;

/** The error line (without `error: `) the CLI prints for `argv`, as main.ts and BaseCommand word it. */
async function errorFor(argv: string[]): Promise<string | undefined> {
  const plan = planCommandLine(argv, manifest);
  if (plan.kind === 'error') return plan.message;
  if (plan.kind !== 'run' || !plan.id) return undefined;
  const command = (COMMANDS as Record<string, Definition>)[plan.id];
  try {
    await Parser.parse(plan.words ?? [], {
      flags: command.flags,
      args: command.args,
      strict: command.strict !== false && !variadic(command),
    });
    return undefined;
  } catch (error) {
    const failure = error as Error & {flags?: unknown[]};
    return usageMessage(
      failure.message,
      {
        command: `${PROGRAM} ${plan.id.replaceAll(':', ' ')}`,
        flags: Object.keys(command.flags ?? {}),
        args: Object.entries(command.args ?? {}).map(([name, arg]) => ({name, required: arg.required, options: arg.options})),
        variadic: command.strict === false || variadic(command),
      },
      failure.flags,
    );
  }
}

describe('every usage error of every command is one line in the tool’s words', () => {
  const cases = badCommandLines(manifest);
  it('the generated corpus covers every command and every kind', () => {
    for (const id of Object.keys(manifest.commands)) expect(cases.some((c) => c.name.startsWith(id.replace(':', ' ')))).toBe(true);
    for (const kind of [
      'unknown flag',
      'missing its value',
      'given twice',
      'bad value',
      'extra arguments',
      'missing --',
      ' with --',
      'subcommand',
      'near-miss command',
    ])
      expect(
        cases.some((c) => c.name.includes(kind)),
        kind,
      ).toBe(true);
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const message = await errorFor(c.args);
    expect(message, c.args.join(' ')).toBeDefined();
    expect(message).not.toContain('\n');
    expect(message).toContain(c.names);
    for (const phrase of OCLIF_PHRASES) expect(message).not.toContain(phrase);
    if (c.suggestion) expect(message).toContain(`did you mean ${c.suggestion}?`);
  });
});

describe('usageMessage', () => {
  const shape = {command: 'kubectl configsync undo', flags: ['prune', 'output'], args: [{name: 'run_id'}]};
  it.each([
    ['Flag --prune expects a value\nSee more help with --help', 'flag needs an argument: --prune'],
    ['Flag --output can only be specified once', 'flag --output given more than once: it takes one value'],
    [
      'Unexpected arguments: b, c\nSee more help with --help',
      'unexpected arguments "b", "c": undo takes at most 1 argument ([RUN_ID]) (see kubectl configsync undo --help)',
    ],
    [
      'The following error occurred:\n  \u001b[2m--namespace=foo cannot also be provided when using --all-namespaces\u001b[22m\nSee more help with --help',
      '--namespace and --all-namespaces cannot be used together',
    ],
    [
      'The following error occurred:\n  Missing required flag namespace\nSee more help with --help',
      'required flag --namespace not set (see kubectl configsync undo --help)',
    ],
    ['Expected --output=jsn to be one of: table, json', 'invalid value "jsn" for --output: must be one of table, json: did you mean json?'],
    ['Expected --output=xml to be one of: table, json', 'invalid value "xml" for --output: must be one of table, json'],
  ])('%j', (input, expected) => {
    expect(usageMessage(input, shape)).toBe(expected);
  });
});
