// Shell completion, the pure part: from the words typed so far, decide what the
// word under the cursor can be. The protocol is Cobra's `__complete` (one candidate
// a line, then `:<directive>`), which is also what kubectl expects from a plugin's
// `kubectl_complete-<plugin>` executable.

/** What the build records about each command for completion (dist/completion.json). */
export interface CompletionManifest {
  commands: Record<string, CommandShape>;
}

export interface CommandShape {
  summary?: string;
  /** Positional arguments in order, e.g. source, target; options when the argument is a choice. */
  args: Array<{name: string; options?: string[]; required?: true}>;
  flags: FlagShape[];
  /** oclif's `strict = false`: more words than arguments are allowed (diff's NAME...). */
  variadic?: true;
}

export interface FlagShape {
  name: string;
  char?: string;
  /** Boolean flags take no value. */
  boolean: boolean;
  options?: string[];
  /** kubectl's global flags (help groups KUBECTL and OUTPUT): accepted before the command too. */
  persistent?: boolean;
  /** The value must be a whole number within these bounds (oclif's Flags.integer). */
  integer?: {min?: number; max?: number};
  /** Given once per value: --ignore-key a --ignore-key b. */
  multiple?: true;
  /** A boolean that also takes --no-NAME. */
  allowNo?: true;
  default?: string | number | boolean;
  /** Flags that cannot be given with this one. */
  exclusive?: string[];
  required?: true;
}

/** Cobra's ShellCompDirective bits. */
export const Directive = {noSpace: 2, noFileComp: 4, keepOrder: 32} as const;

export type CompletionRequest =
  | {kind: 'static'; candidates: string[]; directive: number}
  | {kind: 'contexts'; prefix: string; selection: Selection}
  | {kind: 'namespaces'; prefix: string; context?: string; selection: Selection}
  /** CONTEXT, NAMESPACE or CONTEXT/NAMESPACE, as location words take them. */
  | {kind: 'locations'; word: string; selection: Selection}
  /** configmap/NAME and secret/NAME in one namespace. */
  | {kind: 'objects'; word: string; context?: string; namespace?: string; selection: Selection}
  /** Names of the kubeconfig's users or clusters (--user, --cluster). */
  | {kind: 'kubeconfig-entries'; section: 'users' | 'clusters'; prefix: string; selection: Selection}
  /** Run ids of sync backups, for undo. */
  | {kind: 'runs'; prefix: string};

/** A request for the value of `--flag=value` carries the `--flag=` each candidate must start with. */
export type Completion = CompletionRequest & {valuePrefix?: string};

/** The kubeconfig and context the words already chose. */
export interface Selection {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

const CONTEXT_FLAGS = new Set(['context', 'from-context', 'to-context']);
const NAMESPACE_FLAGS = new Set(['namespace', 'from-namespace', 'to-namespace', 'exclude-namespace']);
/** Flags naming a file: the shell completes paths. */
const FILE_FLAGS = new Set(['kubeconfig', 'certificate-authority', 'rules', 'plan']);
const OBJECT_KINDS = ['configmap/', 'secret/'];
const PERSISTENT_GROUPS = new Set(['KUBECTL', 'OUTPUT']);

/** `words` are the arguments after the program name; the last one is being completed (maybe ""). */
export function planCompletion(words: string[], manifest: CompletionManifest): Completion {
  const typed = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  const ids = Object.keys(manifest.commands).sort();
  // kubectl's global flags may come before the command (`--context alpha diff …`).
  const globals = persistentFlags(manifest);
  let commandIndex = firstPositional(typed, globals);
  const leading = scan(typed.slice(0, commandIndex === -1 ? typed.length : commandIndex), globals);
  let id = commandIndex === -1 ? undefined : typed[commandIndex];
  // Topic commands are typed with a space ("fanout status") and registered as "fanout:status".
  while (id && manifest.commands[`${id}:${typed[commandIndex + 1]}`]) id = `${id}:${typed[++commandIndex]}`;
  const command = id ? manifest.commands[id] : undefined;

  if (!command) {
    if (id) return none();
    const eq = /^(--[^=]+)=(.*)$/.exec(current);
    if (eq) {
      const flag = findFlag(globals, eq[1]);
      return flag ? withPrefix(valueRequest(flag, eq[2], leading.selection), `${eq[1]}=`) : none();
    }
    if (leading.pendingFlag) return valueRequest(leading.pendingFlag, current, leading.selection);
    if (current.startsWith('-')) {
      const names = [...globals.map((f) => `--${f.name}`), '--help', '--version'].sort();
      return {kind: 'static', candidates: filter(names, current), directive: Directive.noFileComp};
    }
    const topLevel = ids.filter((i) => !i.includes(':'));
    return {kind: 'static', candidates: filter(topLevel, current), directive: Directive.noFileComp};
  }

  const flags = command.flags;
  const scanned = scan(typed.slice(commandIndex + 1), flags);
  const {positionals, pendingFlag} = scanned;
  const selection = {...leading.selection, ...scanned.selection};

  // --flag=value
  const eq = /^(--[^=]+)=(.*)$/.exec(current);
  if (eq) {
    const flag = findFlag(flags, eq[1]);
    if (!flag) return none();
    const request = valueRequest(flag, eq[2], selection);
    return withPrefix(request, `${eq[1]}=`);
  }
  if (pendingFlag) return valueRequest(pendingFlag, current, selection);

  if (current.startsWith('-')) {
    const names = flags.flatMap((f) => [`--${f.name}`]);
    return {kind: 'static', candidates: filter(names.sort(), current), directive: Directive.noFileComp};
  }

  const subcommands =
    positionals.length === 0 && current ? ids.filter((i) => i.startsWith(`${id}:`)).map((i) => i.slice(id!.length + 1)) : [];
  if (filter(subcommands, current).length > 0)
    return {kind: 'static', candidates: filter(subcommands, current), directive: Directive.noFileComp};
  const arg = command.args[positionals.length];
  if (arg?.options) return {kind: 'static', candidates: filter(arg.options, current), directive: Directive.noFileComp};
  if (arg?.name === 'object')
    return {kind: 'objects', word: current, context: selection.context, namespace: selection.namespace, selection};
  if (arg?.name === 'run_id') return {kind: 'runs', prefix: current};
  if (arg && arg.name !== 'name') return {kind: 'locations', word: current, selection};
  // Past the locations (diff's NAME...): object names, read where the first location (or the flags) points.
  const source = positionals.length > 0 && command.args[0]?.name === 'source' ? splitLocation(positionals[0]) : {};
  return {
    kind: 'objects',
    word: current,
    context: source.context ?? selection.context,
    namespace: source.namespace ?? selection.namespace,
    selection,
  };
}

/** Words → chosen kubeconfig/context/namespace, positional words, and a flag still waiting for its value. */
function scan(words: string[], flags: FlagShape[]): {selection: Selection; positionals: string[]; pendingFlag?: FlagShape} {
  const selection: Selection = {};
  const positionals: string[] = [];
  let pendingFlag: FlagShape | undefined;
  const set = (flag: FlagShape, value: string) => {
    if (flag.name === 'kubeconfig') selection.kubeconfig = value;
    if (flag.name === 'context') selection.context = value;
    if (flag.name === 'namespace') selection.namespace = value;
  };
  for (const word of words) {
    if (pendingFlag) {
      set(pendingFlag, word);
      pendingFlag = undefined;
      continue;
    }
    if (word.startsWith('-') && word !== '-') {
      const eq = word.indexOf('=');
      const flag = findFlag(flags, eq === -1 ? word : word.slice(0, eq));
      if (!flag || flag.boolean) continue;
      if (eq === -1) pendingFlag = flag;
      else set(flag, word.slice(eq + 1));
      continue;
    }
    positionals.push(word);
  }
  return {selection, positionals, pendingFlag};
}

function valueRequest(flag: FlagShape, prefix: string, selection: Selection): CompletionRequest {
  if (CONTEXT_FLAGS.has(flag.name)) return {kind: 'contexts', prefix, selection};
  if (NAMESPACE_FLAGS.has(flag.name)) {
    const context = flag.name === 'namespace' ? selection.context : undefined;
    return {kind: 'namespaces', prefix, context, selection};
  }
  if (flag.name === 'user' || flag.name === 'cluster')
    return {kind: 'kubeconfig-entries', section: flag.name === 'user' ? 'users' : 'clusters', prefix, selection};
  if (flag.options) return {kind: 'static', candidates: filter(flag.options, prefix), directive: Directive.noFileComp};
  // --kubeconfig and other paths: let the shell complete files.
  if (FILE_FLAGS.has(flag.name)) return {kind: 'static', candidates: [], directive: 0};
  return none();
}

function withPrefix(request: CompletionRequest, valuePrefix: string): Completion {
  return {...request, valuePrefix};
}

/** Global flags of any command (help groups KUBECTL and OUTPUT). */
export function persistentFlags(manifest: CompletionManifest): FlagShape[] {
  const byName = new Map<string, FlagShape>();
  for (const command of Object.values(manifest.commands))
    for (const flag of command.flags) if (flag.persistent && !byName.has(flag.name)) byName.set(flag.name, flag);
  return [...byName.values()];
}

/** Index of the first word that is neither a global flag nor its value; -1 when there is none. */
function firstPositional(words: string[], globals: FlagShape[]): number {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('-') || word === '-') return i;
    const flag = findFlag(globals, word);
    if (flag && !flag.boolean && !word.includes('=')) i++;
  }
  return -1;
}

export function findFlag(flags: FlagShape[], word: string): FlagShape | undefined {
  if (word.startsWith('--')) return flags.find((f) => f.name === word.slice(2));
  if (word.length === 2) return flags.find((f) => f.char === word[1]);
  return undefined;
}

function none(): CompletionRequest {
  return {kind: 'static', candidates: [], directive: Directive.noFileComp};
}

function filter(values: string[], prefix: string): string[] {
  return values.filter((v) => v.startsWith(prefix));
}

/** Location words: an exact context wins later at run time; for completion "a/b" is context a, namespace b. */
export function splitLocation(word: string): {context?: string; namespace?: string} {
  const slash = word.lastIndexOf('/');
  if (slash === -1) return {namespace: word};
  return {context: word.slice(0, slash), namespace: word.slice(slash + 1)};
}

/** Candidates for a location word from the contexts and the namespaces of one context. */
export function locationCandidates(word: string, contexts: string[], namespaces: string[], namespacesOfContext?: string): string[] {
  if (namespacesOfContext !== undefined) {
    return filter(
      namespaces.map((ns) => `${namespacesOfContext}/${ns}`),
      word,
    );
  }
  return filter([...new Set([...namespaces, ...contexts])].sort(), word);
}

/** Candidates for a NAME word: kind prefixes first, then names once a kind is typed. */
export function objectCandidates(word: string, objects: Array<{kind: 'ConfigMap' | 'Secret'; name: string}>): string[] {
  const typedKind = OBJECT_KINDS.find((k) => word.startsWith(k));
  if (!typedKind) return filter(OBJECT_KINDS, word);
  const kind = typedKind === 'secret/' ? 'Secret' : 'ConfigMap';
  return filter(
    objects
      .filter((o) => o.kind === kind)
      .map((o) => `${typedKind}${o.name}`)
      .sort(),
    word,
  );
}

/** Cobra's wire format. */
export function renderCompletion(candidates: string[], directive: number): string {
  return `${candidates.map((c) => `${c}\n`).join('')}:${directive}\n`;
}

/** A command as oclif defines it: what the manifest records of it. */
export interface CommandDefinition {
  summary?: string;
  strict?: boolean;
  /** BaseCommand's variadic: read as strict = false. */
  variadic?: boolean;
  args?: Record<string, {options?: readonly string[]; required?: boolean; default?: unknown}>;
  flags?: Record<string, FlagDefinition>;
}

interface FlagDefinition {
  char?: string;
  type?: string;
  options?: readonly string[];
  helpGroup?: string;
  parse?: unknown;
  min?: number;
  max?: number;
  multiple?: boolean;
  multipleNonGreedy?: boolean;
  allowNo?: boolean;
  default?: unknown;
  exclusive?: string[];
  required?: boolean;
  [other: string]: unknown;
}

/**
 * What commands are started with the manifest alone cannot honour: a flag using one of these
 * is refused here, so the build fails instead of a command line being read differently.
 */
const UNDESCRIBED_FLAG_FEATURES = [
  'aliases',
  'charAliases',
  'dependsOn',
  'relationships',
  'combinable',
  'exactlyOne',
  'env',
  'delimiter',
  'allowStdin',
];

/**
 * Static flags and commands of a built CLI, in the manifest's shape: enough for completion and
 * for reading a command line without oclif (src/cli/direct-parse.ts). `integerParse` is oclif's
 * Flags.integer parser, by which an integer flag is told from a string flag.
 */
export function describeCommands(commands: Record<string, CommandDefinition>, integerParse: unknown): CompletionManifest {
  const result: CompletionManifest = {commands: {}};
  for (const [id, command] of Object.entries(commands)) {
    result.commands[id] = {
      summary: command.summary,
      args: Object.entries(command.args ?? {}).map(([name, arg]) => {
        if (arg.default !== undefined) throw new Error(`${id}: argument ${name} has a default, which the manifest cannot describe`);
        return {name, options: arg.options ? [...arg.options] : undefined, ...(arg.required ? {required: true as const} : {})};
      }),
      flags: Object.entries(command.flags ?? {})
        .map(([name, flag]) => describeFlag(id, name, flag, integerParse))
        .sort((a, b) => a.name.localeCompare(b.name)),
      ...(command.strict === false || command.variadic ? {variadic: true as const} : {}),
    };
  }
  return result;
}

function describeFlag(id: string, name: string, flag: FlagDefinition, integerParse: unknown): FlagShape {
  const refuse = (what: string) => new Error(`${id}: flag --${name} ${what}, which the manifest cannot describe`);
  for (const feature of UNDESCRIBED_FLAG_FEATURES) if (flag[feature] !== undefined) throw refuse(`uses ${feature}`);
  if (flag.multiple && !flag.multipleNonGreedy) throw refuse('takes several values after one flag (set multipleNonGreedy)');
  const defaultValue = flag.default;
  if (defaultValue !== undefined && !['string', 'number', 'boolean'].includes(typeof defaultValue)) throw refuse('has a computed default');
  const integer = flag.type !== 'boolean' && flag.parse === integerParse;
  return {
    name,
    char: flag.char,
    boolean: flag.type === 'boolean',
    options: flag.options ? [...flag.options] : undefined,
    ...(PERSISTENT_GROUPS.has(flag.helpGroup ?? '') ? {persistent: true} : {}),
    ...(integer ? {integer: {min: flag.min, max: flag.max}} : {}),
    ...(flag.multiple ? {multiple: true as const} : {}),
    ...(flag.allowNo ? {allowNo: true as const} : {}),
    ...(defaultValue !== undefined ? {default: defaultValue as string | number | boolean} : {}),
    ...(flag.exclusive?.length ? {exclusive: [...flag.exclusive]} : {}),
    ...(flag.required ? {required: true as const} : {}),
  };
}
