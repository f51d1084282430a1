// What every command's run needs from around it, without oclif: stdout for results, stderr
// for everything else, the kubeconfig, colour, the exit code, and the one place that turns an
// error into one `error:` line and a documented exit code. Used alike when oclif starts the
// command (BaseCommand) and when main.ts starts it from the manifest (src/cli/direct-parse.ts).
import type {Interfaces} from '@oclif/core';
import {ConfigSyncError, ExitCode, OwnedTargetsError, UsageError, type ExitCodeValue} from '../core/errors.js';
import {parseRequestTimeout} from '../core/duration.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import type {RequestLogSink} from '../kube/request-log.js';
import {createTheme, useColor, type Theme} from '../ui/theme.js';
import {renderWarning, WARNING_PREFIX} from '../ui/messages.js';
import {outputWidth} from '../ui/width.js';
import {markPhase} from '../phases.js';

export interface KubeFlagValues {
  kubeconfig?: string;
  'request-timeout': string;
  as?: string;
  'as-group'?: string[];
  user?: string;
  cluster?: string;
  token?: string;
  'certificate-authority'?: string;
  'insecure-skip-tls-verify'?: boolean;
  v?: number;
}

/** A command's words once read: flags by name, arguments by name, and every positional word. */
export interface CommandInput<Flags, Args> {
  flags: Flags;
  args: Args;
  argv: unknown[];
}

/** The body of a command (src/commands/*-run.ts). */
export type CommandRun<Flags = never, Args = never> = (input: CommandInput<Flags, Args>, io: CommandIO) => Promise<void>;

/** The body of the oclif command class C, typed by its flags and arguments (a type only: oclif is not loaded). */
export type RunOf<C extends {flags?: unknown; args?: unknown}> = CommandRun<
  Interfaces.InferredFlags<C['flags']>,
  Interfaces.InferredArgs<C['args']>
>;

export class CommandIO {
  /** --no-color, once the command line is read. */
  private noColor: boolean | undefined;

  /** What the runner read of the command line that concerns output (both runners call it before the body). */
  begin(flags: {'no-color'?: boolean}): void {
    this.noColor = flags['no-color'];
  }

  /** Results only: tables, JSON, YAML. */
  print(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * Progress, notes and warnings. Every warning of every command passes here: it is printed
   * one way (yellow on a colour terminal, within stderr's width), whichever layer raised it.
   */
  note(text: string): void {
    const shown = text.includes(WARNING_PREFIX)
      ? text
          .split('\n')
          .map((line) =>
            line.startsWith(WARNING_PREFIX)
              ? renderWarning(line, this.themeFor(this.noColor, process.stderr), outputWidth({stream: process.stderr}))
              : line,
          )
          .join('\n')
      : text;
    process.stderr.write(shown.endsWith('\n') ? shown : `${shown}\n`);
  }

  themeFor(noColor: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): Theme {
    return createTheme(useColor({noColor, stream}));
  }

  setExitCode(code: ExitCodeValue): void {
    process.exitCode = code;
  }

  /** Loads the kubeconfig lazily so `--help` never pays for the Kubernetes client. */
  async loadKubeconfig(flags: KubeFlagValues, countRequest?: RequestLogSink): Promise<Kubeconfig> {
    markPhase('command');
    let requestTimeoutMs: number;
    try {
      requestTimeoutMs = parseRequestTimeout(flags['request-timeout']);
    } catch (error) {
      throw new UsageError(`--request-timeout: ${(error as Error).message}`);
    }
    const [{Kubeconfig}, {REQUEST_LOG_LEVEL}] = await Promise.all([import('../kube/kubeconfig.js'), import('../kube/request-log.js')]);
    markPhase('client');
    return Kubeconfig.load({
      kubeconfig: flags.kubeconfig,
      requestTimeoutMs,
      overrides: {
        as: flags.as,
        asGroups: flags['as-group'],
        user: flags.user,
        cluster: flags.cluster,
        token: flags.token,
        certificateAuthority: flags['certificate-authority'],
        insecureSkipTlsVerify: flags['insecure-skip-tls-verify'],
      },
      requestLog:
        (flags.v ?? 0) >= REQUEST_LOG_LEVEL
          ? (line, request) => {
              countRequest?.(line, request);
              this.note(line);
            }
          : countRequest,
      note: (text) => this.note(text),
    });
  }

  /**
   * The command ended with an error: one `error:` line (several for refused targets) and its
   * exit code. `oneLine` rewords the parser's messages when oclif read the command line.
   */
  fail(error: unknown, oneLine: (message: string) => string = (message) => message): void {
    const failure = error instanceof Error ? (error as FailedWith) : new Error(String(error));
    const code = exitCodeFor(failure);
    if (code === ExitCode.ok) return; // oclif's own exit(0), e.g. after --help
    if (process.env.KUBECTL_CONFIGSYNC_DEBUG && failure.stack) this.note(failure.stack);
    if (failure instanceof OwnedTargetsError) for (const line of failure.lines) this.note(`error: ${line}`);
    else this.note(`error: ${oneLine(messageOf(failure))}`);
    process.exitCode = code;
  }
}

/** oclif's errors carry their exit code in `oclif.exit`; its exit() throws code EEXIT. */
type FailedWith = Error & {code?: string; oclif?: {exit?: number}};

export function exitCodeFor(error: FailedWith): number {
  if (error instanceof ConfigSyncError) return error.exitCode;
  if (error.name === 'ExitPromptError' || error.name === 'AbortPromptError') return ExitCode.interrupted;
  if (error.code === 'EEXIT') return error.oclif?.exit ?? ExitCode.usage;
  const oclifExit = error.oclif?.exit;
  // oclif uses exit 2 for parse errors but 1 for its other errors; 1 means "differences" here.
  if (oclifExit !== undefined && oclifExit !== 1) return oclifExit;
  if (error.oclif || isParseError(error)) return ExitCode.usage;
  return ExitCode.cluster;
}

function isParseError(error: Error): boolean {
  return /Nonexistent flag|Unexpected argument|Missing required|Expected --|requires a value|cannot also be provided|must be one of|Missing \d+ required arg/.test(
    error.message,
  );
}

function messageOf(error: Error): string {
  if (error.name === 'ExitPromptError') return 'interrupted at the prompt: nothing was written';
  return error.message || String(error);
}
