// oclif's parse errors in the tool's (kubectl's) words: one line, naming the flag or argument,
// with `did you mean …?` where the input is near a valid word. Every usage error of a parsed
// command line passes through here, whether main.ts handed the line to oclif because the
// manifest could not read it or oclif was asked for directly (KUBECTL_CONFIGSYNC_NO_FAST_PATH).
// Pure: tests feed it oclif's messages.
import {suggest, unknownFlagMessage} from './command-line.js';

/** What the message needs to know of the command whose line failed to parse. */
export interface UsageShape {
  /** `kubectl configsync fanout status` */
  command: string;
  /** Flag names without dashes. */
  flags: string[];
  /** Positional arguments in order, as oclif declares them. */
  args: Array<{name: string; required?: boolean; options?: readonly string[]}>;
  /** Takes any number of words after its arguments (oclif's strict = false). */
  variadic?: boolean;
}

/** One line (without `error: `) for oclif's message `text`. */
export function usageMessage(text: string, shape: UsageShape, unknownFlags?: unknown[]): string {
  const help = `(see ${shape.command} --help)`;
  if (/^Nonexistent flags?:/.test(text)) {
    const flag =
      Array.isArray(unknownFlags) && unknownFlags.length > 0
        ? String(unknownFlags[0])
        : text.replace(/^Nonexistent flags?:\s*/, '').split(/[,\s]/)[0];
    return unknownFlagMessage(
      flag,
      shape.flags.map((name) => `--${name}`),
      shape.command,
    );
  }
  const body = text.replace(/\nSee more help with --help\s*$/, '');

  // oclif lists missing arguments one per line, with their descriptions and a note on
  // repeatable flags; the names are what the user needs.
  const missing = /^Missing \d+ required args?:\n([\s\S]*?)(?:\n\s*\nNote:|\nNote:|$)/.exec(body);
  if (missing) {
    // A description that wraps continues on indented lines: only unindented lines start with a name.
    const names = missing[1]
      .split('\n')
      .filter((l) => /^\S/.test(l))
      .map((l) => l.split(/\s{2,}/)[0])
      .filter(Boolean);
    return `missing ${names.map((n) => n.toUpperCase()).join(' and ')} ${help}`;
  }
  // A flag's parser failed: "Parsing --context-lines \n\tExpected an integer but received: abc".
  const parsing = /^Parsing (--\S+)\s+([\s\S]*)$/.exec(body);
  if (parsing) {
    const reason = parsing[2].trim().replace(/\s*\n\s*/g, ' ');
    return `invalid value for ${parsing[1]}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`;
  }
  const flagChoice = /^Expected --([^=\s]+)=(.*) to be one of: (.*)$/.exec(body);
  if (flagChoice) return invalidChoice(`value "${flagChoice[2]}" for --${flagChoice[1]}`, flagChoice[2], flagChoice[3].split(', '));
  const argChoice = /^Expected (.*) to be one of: (.*)$/.exec(body);
  if (argChoice) {
    const options = argChoice[2].split(', ');
    const arg = shape.args.find((a) => a.options && options.every((o) => a.options?.includes(o)));
    return invalidChoice(`argument "${argChoice[1]}"${arg ? ` for ${arg.name.toUpperCase()}` : ''}`, argChoice[1], options);
  }
  const unexpected = /^Unexpected arguments?: (.*)$/.exec(body);
  if (unexpected) {
    const words = unexpected[1].split(', ').map((w) => `"${w}"`);
    return `unexpected argument${words.length === 1 ? '' : 's'} ${words.join(', ')}: ${takes(shape)} ${help}`;
  }
  const needsValue = /^Flag (--\S+) expects (?:a value|one of these values: (.*))$/.exec(body);
  if (needsValue) return `flag needs an argument: ${needsValue[1]}${needsValue[2] ? ` (one of ${needsValue[2]})` : ''}`;
  const twice = /^Flag (--\S+) can only be specified once$/.exec(body);
  if (twice) return `flag ${twice[1]} given more than once: it takes one value`;

  // Flag validations: "The following error(s) occurred:\n  reason\n  reason".
  const failed = /^The following errors? occurred:\n([\s\S]*)$/.exec(body);
  if (failed) {
    const reasons = failed[1]
      .split('\n')
      .map((l) => stripAnsi(l).trim())
      .filter(Boolean);
    // oclif reports an exclusive pair from both sides: once is enough.
    const seen = new Set<string>();
    const rules = reasons
      .map((reason) => flagRule(reason, help))
      .filter((rule) => {
        const key =
          [...rule.matchAll(/--[\w-]+/g)]
            .map((m) => m[0])
            .sort()
            .join(' ') + rule.replace(/--[\w-]+/g, '');
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    return rules.join('; ');
  }
  return (
    body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ')
      .replace(/^Error:\s*/, '') || text
  );
}

function invalidChoice(what: string, value: string, options: string[]): string {
  const guess = suggest(value, options);
  return `invalid ${what}: must be one of ${options.join(', ')}${guess ? `: did you mean ${guess}?` : ''}`;
}

/** What the command accepts, for "too many arguments": `undo takes at most [RUN_ID]`. */
function takes(shape: UsageShape): string {
  const name = shape.command.split(' ').slice(2).join(' ');
  if (shape.args.length === 0) return `${name} takes no arguments`;
  const names = shape.args.map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`));
  return `${name} takes at most ${shape.args.length} argument${shape.args.length === 1 ? '' : 's'} (${names.join(' ')})`;
}

/** One reason of oclif's flag validation, reworded. */
function flagRule(reason: string, help: string): string {
  const required = /^Missing required flag (\S+)$/.exec(reason);
  if (required) return `required flag --${required[1]} not set ${help}`;
  const exclusive = /^--([\w-]+)(?:=.*)? cannot also be provided when using --([\w-]+)$/.exec(reason);
  if (exclusive) return `--${exclusive[1]} and --${exclusive[2]} cannot be used together`;
  const exactlyOne = /^Exactly one of the following must be provided: (.*)$/.exec(reason);
  if (exactlyOne) return `exactly one of ${exactlyOne[1]} is required`;
  const atLeastOne = /^At least one of the following must be provided: (.*)$/.exec(reason);
  if (atLeastOne) return `one of ${atLeastOne[1]} is required`;
  const dependsAll = /^All of the following must be provided when using --([\w-]+): (.*)$/.exec(reason);
  if (dependsAll) return `--${dependsAll[1]} needs ${dependsAll[2]}`;
  const dependsOne = /^One of the following must be provided when using --([\w-]+): (.*)$/.exec(reason);
  if (dependsOne) return `--${dependsOne[1]} needs one of ${dependsOne[2]}`;
  const only = /^Only the following can be provided when using --([\w-]+): (.*)$/.exec(reason);
  if (only) return `with --${only[1]} only ${only[2]} may be given`;
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
