import {Command} from '@oclif/core';
import {CommandIO, type RunOf} from './command-io.js';
import {PROGRAM, unknownFlagMessage} from './command-line.js';

/**
 * A command as oclif sees it: its help, flags and arguments are static members of the class;
 * its body is a CommandRun (src/commands/*-run.ts) that main.ts can also start without oclif.
 * oclif starts the command when the manifest alone cannot read its command line, and always with
 * KUBECTL_CONFIGSYNC_NO_FAST_PATH=1.
 */
export abstract class BaseCommand extends Command {
  protected readonly io = new CommandIO();

  /** Parses as oclif does, then runs the command's body. */
  protected async runWith<C extends Command.Class>(command: C, body: RunOf<C>): Promise<void> {
    const {flags, args, argv} = await this.parse(command);
    this.io.begin(flags as {'no-color'?: boolean});
    await body({flags, args, argv} as Parameters<RunOf<C>>[0], this.io);
  }

  /** oclif's "Nonexistent flag" in kubectl's words, with the nearest flag of this command. */
  private unknownFlagMessage(error: Error & {flags?: unknown}): string | undefined {
    if (!/^Nonexistent flags?:/.test(error.message) || !Array.isArray(error.flags) || error.flags.length === 0) return undefined;
    const flags = (this.constructor as typeof BaseCommand).flags ?? {};
    const known = Object.keys(flags).map((name) => `--${name}`);
    return unknownFlagMessage(String(error.flags[0]), known, `${PROGRAM} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim());
  }

  protected override async catch(error: Error): Promise<void> {
    // oclif warns of a command that "did not parse its arguments" (NODE_ENV=development|test) when parsing itself failed.
    (this as unknown as {parsed: boolean}).parsed = true;
    this.io.fail(error, (message) => oneLine(this.unknownFlagMessage(error) ?? message));
  }
}

function oneLine(text: string): string {
  // oclif lists missing arguments one per line, with their descriptions and a note on
  // repeatable flags; the names are what the user needs.
  const missing = /^Missing \d+ required args?:\n([\s\S]*?)(?:\nNote:|\nSee more help|$)/.exec(text);
  if (missing) {
    // A description that wraps continues on indented lines: only unindented lines start with a name.
    const names = missing[1]
      .split('\n')
      .filter((l) => /^\S/.test(l))
      .map((l) => l.split(/\s{2,}/)[0])
      .filter(Boolean);
    return `missing ${names.map((n) => n.toUpperCase()).join(' and ')} (see --help)`;
  }
  // A flag's parser failed: "Parsing --context-lines \n\tExpected an integer but received: abc".
  const parsing = /^Parsing (--\S+)\s+([\s\S]*?)(?:\nSee more help with --help)?$/.exec(text);
  if (parsing) {
    const reason = parsing[2].trim().replace(/\s*\n\s*/g, ' ');
    return `invalid value for ${parsing[1]}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
  }
  const choice = /^Expected --([^=\s]+)=(.*) to be one of: (.*)$/.exec(text.split('\n')[0]);
  if (choice) return `invalid value "${choice[2]}" for --${choice[1]}: must be one of ${choice[3]}`;
  // oclif's parse errors carry a "See more help with --help" tail on a second line.
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.filter((l) => !/^See more help with/.test(l)).join(' ') || text;
}
