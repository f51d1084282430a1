import {Command, Errors} from '@oclif/core';
import {ConfigSyncError, ExitCode, type ExitCodeValue} from '../core/errors.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import {createTheme, useColor, type Theme} from '../ui/theme.js';
import {parseTimerDuration} from '../core/duration.js';

export interface KubeFlagValues {
  kubeconfig?: string;
  'request-timeout': string;
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
  protected async loadKubeconfig(flags: KubeFlagValues): Promise<Kubeconfig> {
    let requestTimeoutMs: number;
    try {
      requestTimeoutMs = parseTimerDuration(flags['request-timeout']);
    } catch (error) {
      throw new Errors.CLIError(`--request-timeout: ${(error as Error).message}`, {exit: ExitCode.usage});
    }
    const {Kubeconfig} = await import('../kube/kubeconfig.js');
    return Kubeconfig.load({kubeconfig: flags.kubeconfig, requestTimeoutMs, note: (text) => this.note(text)});
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
    this.note(`error: ${oneLine(messageOf(error))}`);
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
  return /Nonexistent flag|Unexpected argument|Missing required|Expected --|requires a value|cannot also be provided|must be one of|Missing \d+ required arg/.test(error.message);
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
    const names = missing[1].split('\n').map((l) => l.trim().split(/\s{2,}/)[0]).filter(Boolean);
    return `missing ${names.map((n) => n.toUpperCase()).join(' and ')} (see --help)`;
  }
  // oclif's parse errors carry a "See more help with --help" tail on a second line.
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => !/^See more help with/.test(l)).join(' ') || text;
}
