import {Command, Errors} from '@oclif/core';
import {ConfigSyncError, ExitCode, type ExitCodeValue} from '../core/errors.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import type {RequestLogSink} from '../kube/request-log.js';
import {createTheme, useColor, type Theme} from '../ui/theme.js';
import {parseRequestTimeout} from '../core/duration.js';
import {PROGRAM, unknownFlagMessage} from './command-line.js';
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

/**
 * Shared plumbing: stdout for results, stderr for everything else, one place
 * that turns errors into one-line messages and documented exit codes.
 */
export abstract class BaseCommand extends Command {
  /** Results only: tables, JSON, YAML. */
  protected print(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Progress, notes and warnings. */
  protected note(text: string): void {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  protected themeFor(noColor: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): Theme {
    return createTheme(useColor({noColor, stream}));
  }

  /** Loads the kubeconfig lazily so `--help` never pays for the Kubernetes client. */
  protected async loadKubeconfig(flags: KubeFlagValues, countRequest?: RequestLogSink): Promise<Kubeconfig> {
    markPhase('command');
    let requestTimeoutMs: number;
    try {
      requestTimeoutMs = parseRequestTimeout(flags['request-timeout']);
    } catch (error) {
      throw new Errors.CLIError(`--request-timeout: ${(error as Error).message}`, {exit: ExitCode.usage});
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

  /** oclif's "Nonexistent flag" in kubectl's words, with the nearest flag of this command. */
  private unknownFlagMessage(error: Error & {flags?: unknown}): string | undefined {
    if (!/^Nonexistent flags?:/.test(error.message) || !Array.isArray(error.flags) || error.flags.length === 0) return undefined;
    const flags = (this.constructor as typeof BaseCommand).flags ?? {};
    const known = Object.keys(flags).map((name) => `--${name}`);
    return unknownFlagMessage(String(error.flags[0]), known, `${PROGRAM} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim());
  }

  protected setExitCode(code: ExitCodeValue): void {
    process.exitCode = code;
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<void> {
    const code = exitCodeFor(error);
    // oclif warns of a command that "did not parse its arguments" (NODE_ENV=development|test) when parsing itself failed.
    (this as unknown as {parsed: boolean}).parsed = true;
    if (code === ExitCode.ok) return; // oclif's own exit(0), e.g. after --help
    if (process.env.KUBECTL_CONFIGSYNC_DEBUG && error.stack) this.note(error.stack);
    this.note(`error: ${oneLine(this.unknownFlagMessage(error) ?? messageOf(error))}`);
    process.exitCode = code;
  }
}

function exitCodeFor(error: Error & {exitCode?: number; oclif?: {exit?: number}; name?: string}): number {
  if (error instanceof ConfigSyncError) return error.exitCode;
  if (error.name === 'ExitPromptError' || error.name === 'AbortPromptError') return ExitCode.interrupted;
  if (error instanceof Errors.ExitError) return error.oclif.exit ?? ExitCode.usage;
  const oclifExit = error.oclif?.exit;
  // oclif uses exit 2 for parse errors but 1 for other CLIErrors; 1 means "differences" here.
  if (oclifExit !== undefined && oclifExit !== 1) return oclifExit;
  if (error instanceof Errors.CLIError || isParseError(error)) return ExitCode.usage;
  return ExitCode.cluster;
}

function isParseError(error: Error): boolean {
  return /Nonexistent flag|Unexpected argument|Missing required|Expected --|requires a value|cannot also be provided|must be one of|Missing \d+ required arg/.test(
    error.message,
  );
}

function messageOf(error: Error & {name?: string}): string {
  if (error.name === 'ExitPromptError') return 'interrupted at the prompt: nothing was written';
  return error.message || String(error);
}

function oneLine(text: string): string {
  // oclif lists missing arguments one per line, with their descriptions and a note on
  // repeatable flags; the names are what the user needs.
  const missing = /^Missing \d+ required args?:\n([\s\S]*?)(?:\nNote:|\nSee more help|$)/.exec(text);
  if (missing) {
    const names = missing[1]
      .split('\n')
      .map((l) => l.trim().split(/\s{2,}/)[0])
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
