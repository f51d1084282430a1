import {describe, expect, it} from 'vitest';
import {normalizeVerbosity, planCommandLine, suggest, unknownFlagMessage} from '../../src/cli/command-line.js';
import {describeCommands} from '../../src/cli/completion.js';
import {COMMANDS, INTEGER_PARSE} from '../../src/commands.js';

const manifest = describeCommands(COMMANDS, INTEGER_PARSE);
const plan = (...argv: string[]) => planCommandLine(argv, manifest);

describe('planCommandLine', () => {
  it('passes a plain command line through unchanged', () => {
    expect(plan('diff', 'a', 'b', '--context', 'alpha')).toMatchObject({kind: 'run', argv: ['diff', 'a', 'b', '--context', 'alpha']});
    expect(plan('fanout', 'status', 'configmap/x', '-n', 'ns')).toMatchObject({
      kind: 'run',
      argv: ['fanout', 'status', 'configmap/x', '-n', 'ns'],
    });
  });

  it('moves kubectl global flags given before the command to after it', () => {
    expect(plan('--context', 'alpha', 'diff', 'a', 'b')).toMatchObject({kind: 'run', argv: ['diff', '--context', 'alpha', 'a', 'b']});
    expect(plan('--kubeconfig=/k', '-n', 'ns', '--insecure-skip-tls-verify', 'fanout', 'status', 'configmap/x')).toMatchObject({
      kind: 'run',
      argv: ['fanout', 'status', '--kubeconfig=/k', '-n', 'ns', '--insecure-skip-tls-verify', 'configmap/x'],
    });
    expect(plan('--as', 'jane', '--as-group', 'devs', '--no-color', 'undo', '--list')).toMatchObject({
      kind: 'run',
      argv: ['undo', '--as', 'jane', '--as-group', 'devs', '--no-color', '--list'],
    });
  });

  it('refuses a flag before the command that is not global, with the nearest global flag', () => {
    expect(plan('--foo')).toEqual({kind: 'error', message: 'unknown flag: --foo (see kubectl configsync --help)'});
    expect(plan('--contxt', 'alpha', 'diff')).toEqual({
      kind: 'error',
      message: 'unknown flag: --contxt: did you mean --context? (see kubectl configsync --help)',
    });
    expect(plan('--yes', 'sync', 'a', 'b')).toMatchObject({kind: 'error', message: expect.stringMatching(/^unknown flag: --yes/)});
    expect(plan('--context')).toEqual({kind: 'error', message: 'flag needs an argument: --context'});
  });

  it('refuses an unknown command, suggesting a near one', () => {
    expect(plan('dif', 'a', 'b')).toEqual({
      kind: 'error',
      message:
        'unknown command "dif" for "kubectl configsync": did you mean diff? (commands: completion, controller, diff, fanout, restart, sync, undo, version)',
    });
    expect(plan('syncc')).toMatchObject({message: expect.stringContaining('did you mean sync?')});
    expect(plan('frobnicate')).toMatchObject({kind: 'error', message: expect.not.stringContaining('did you mean')});
  });

  it('reads help COMMAND as COMMAND --help, as kubectl does', () => {
    expect(plan('help', 'diff')).toEqual({kind: 'command-help', id: 'diff', argv: ['diff', '--help']});
    expect(plan('help', 'fanout', 'status')).toEqual({kind: 'command-help', id: 'fanout:status', argv: ['fanout', 'status', '--help']});
    expect(plan('help')).toEqual({kind: 'root-help'});
    expect(plan('help', 'dif')).toMatchObject({kind: 'error', message: expect.stringContaining('did you mean diff?')});
    expect(plan('--context', 'alpha', '--help', 'diff')).toEqual({kind: 'command-help', id: 'diff', argv: ['diff', '--help']});
  });

  it('reads --help or -h anywhere before "--" as the command’s help, as oclif does', () => {
    expect(plan('diff', '--help')).toEqual({kind: 'command-help', id: 'diff', argv: ['diff', '--help']});
    expect(plan('diff', 'a', 'b', '-h')).toEqual({kind: 'command-help', id: 'diff', argv: ['diff', '--help']});
    expect(plan('fanout', 'status', '--help')).toEqual({kind: 'command-help', id: 'fanout:status', argv: ['fanout', 'status', '--help']});
    expect(plan('diff', 'a', 'b', '--', '--help')).toMatchObject({kind: 'run', argv: ['diff', 'a', 'b', '--', '--help']});
  });

  it('answers the root help and the version', () => {
    expect(plan()).toEqual({kind: 'root-help'});
    expect(plan('--help')).toEqual({kind: 'root-help'});
    expect(plan('-h')).toEqual({kind: 'root-help'});
    expect(plan('--context', 'alpha')).toEqual({kind: 'root-help'});
    expect(plan('--version')).toEqual({kind: 'version'});
    expect(plan('version')).toEqual({kind: 'version'});
    expect(plan('version', '--help')).toEqual({kind: 'command-help', id: 'version', argv: ['version', '--help']});
  });

  it('reads -v as kubectl’s log level, never as the version', () => {
    expect(plan('-v=6', 'diff', 'a', 'b')).toMatchObject({kind: 'run', argv: ['diff', '--v=6', 'a', 'b']});
    expect(plan('diff', 'a', 'b', '-v', '8')).toMatchObject({kind: 'run', argv: ['diff', 'a', 'b', '--v=8']});
    expect(plan('-v')).toMatchObject({kind: 'error', message: expect.stringContaining('-v takes a log level')});
  });
});

describe('normalizeVerbosity', () => {
  it('turns every kubectl spelling into --v=N and leaves words after -- alone', () => {
    expect(normalizeVerbosity(['-v=6', '-v7', '-v', '9', '--v=2', '--', '-v'])).toEqual({
      argv: ['--v=6', '--v=7', '--v=9', '--v=2', '--', '-v'],
    });
    expect(normalizeVerbosity(['-v', 'diff'])).toHaveProperty('error');
    expect(normalizeVerbosity(['-verbose'])).toEqual({argv: ['-verbose']});
  });
});

describe('suggest', () => {
  it('finds prefixes and near misses, and nothing for unrelated words', () => {
    expect(suggest('dif', ['diff', 'sync'])).toBe('diff');
    expect(suggest('udno', ['undo', 'sync'])).toBe('undo');
    expect(suggest('--namspace', ['--namespace', '--name'])).toBe('--namespace');
    expect(suggest('--contx', ['--context-lines', '--context'])).toBe('--context');
    expect(suggest('xyz', ['diff', 'sync'])).toBeUndefined();
    expect(suggest('--', ['--context'])).toBeUndefined();
  });

  it('words the unknown flag message like kubectl, with the help to read', () => {
    expect(unknownFlagMessage('--contxt', ['--context'], 'kubectl configsync diff')).toBe(
      'unknown flag: --contxt: did you mean --context? (see kubectl configsync diff --help)',
    );
    expect(unknownFlagMessage('-z', ['--context'], 'kubectl configsync diff')).toBe(
      'unknown flag: -z (see kubectl configsync diff --help)',
    );
  });
});
