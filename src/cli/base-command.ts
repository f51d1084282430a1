import {Command} from '@oclif/core';
import {CommandIO, type RunOf} from './command-io.js';
import {ConfigSyncError} from '../core/errors.js';
import {PROGRAM} from './command-line.js';
import {usageMessage, type UsageShape} from './usage-error.js';

/**
 * A command as oclif sees it: its help, flags and arguments are static members of the class;
 * its body is a CommandRun (src/commands/*-run.ts) that main.ts can also start without oclif.
 * oclif starts the command when the manifest alone cannot read its command line, and always with
 * KUBECTL_CONFIGSYNC_NO_FAST_PATH=1.
 */
export abstract class BaseCommand extends Command {
  protected readonly io = new CommandIO();

  /**
   * Words after the last argument are allowed (diff's and sync's NAME...). Parsed as oclif's
   * `strict = false`, which a command with arguments does not set itself: oclif's help would
   * then show every argument as repeatable (SOURCE... TARGET...).
   */
  static variadic = false;

  /** Parses as oclif does, then runs the command's body. */
  protected async runWith<C extends Command.Class>(command: C, body: RunOf<C>): Promise<void> {
    // oclif's parse spreads its options: only own properties of a plain object reach the parser.
    const variadic = (command as unknown as typeof BaseCommand).variadic;
    const options = variadic
      ? {flags: command.flags, baseFlags: command.baseFlags, enableJsonFlag: command.enableJsonFlag, args: command.args, strict: false}
      : command;
    const {flags, args, argv} = await this.parse(options as C);
    this.io.begin(flags as {'no-color'?: boolean});
    await body({flags, args, argv} as Parameters<RunOf<C>>[0], this.io);
  }

  protected override async catch(error: Error & {flags?: unknown[]}): Promise<void> {
    // oclif warns of a command that "did not parse its arguments" (NODE_ENV=development|test) when parsing itself failed.
    (this as unknown as {parsed: boolean}).parsed = true;
    // The tool's own errors are worded already; oclif's are reworded.
    if (error instanceof ConfigSyncError) return this.io.fail(error);
    this.io.fail(error, (message) => usageMessage(message, this.usageShape(), error.flags));
  }

  private usageShape(): UsageShape {
    const command = this.constructor as typeof BaseCommand;
    return {
      command: `${PROGRAM} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim(),
      flags: Object.keys(command.flags ?? {}),
      args: Object.entries(command.args ?? {}).map(([name, arg]) => ({name, required: arg.required, options: arg.options})),
      variadic: command.strict === false || command.variadic,
    };
  }
}
