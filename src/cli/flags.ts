import {Flags} from '@oclif/core';

/**
 * kubectl's authentication and override flags, passed through to the client for every
 * context the command talks to. Flags of the KUBECTL and OUTPUT help groups are
 * persistent, as kubectl's global flags are: accepted before the command too.
 */
export const authFlags = {
  as: Flags.string({description: 'username to impersonate for the operation (a user or a service account)', helpGroup: 'KUBECTL'}),
  'as-group': Flags.string({
    description: 'group to impersonate for the operation, with --as (one group: the client sends one header of a name)',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'KUBECTL',
  }),
  user: Flags.string({description: 'the name of the kubeconfig user to use', helpGroup: 'KUBECTL'}),
  cluster: Flags.string({description: 'the name of the kubeconfig cluster to use', helpGroup: 'KUBECTL'}),
  token: Flags.string({
    description: "bearer token for authentication to the API server (replaces the user's credentials)",
    helpGroup: 'KUBECTL',
  }),
  'certificate-authority': Flags.string({description: 'path to a cert file for the certificate authority', helpGroup: 'KUBECTL'}),
  'insecure-skip-tls-verify': Flags.boolean({
    description: "the server's certificate will not be checked for validity (insecure)",
    helpGroup: 'KUBECTL',
  }),
  v: Flags.integer({
    description: 'log level: 6 and above log every API request on stderr (method, URL, status, time); also -v=N',
    min: 0,
    helpGroup: 'KUBECTL',
  }),
};

/** kubectl's own flag names, defined once and shared by every command. */
export const kubeFlags = {
  kubeconfig: Flags.string({
    description: 'path to the kubeconfig file (default: KUBECONFIG, several files merged, or ~/.kube/config)',
    helpGroup: 'KUBECTL',
  }),
  context: Flags.string({description: 'kubeconfig context to use (default: the current context)', helpGroup: 'KUBECTL'}),
  namespace: Flags.string({char: 'n', description: 'namespace (default: the context\'s namespace, or "default")', helpGroup: 'KUBECTL'}),
  'request-timeout': Flags.string({
    description:
      'how long to wait for one API request or credential plugin before giving up (kubectl syntax: 5s, 1m, 1h30m; 0 waits forever)',
    default: '30s',
    helpGroup: 'KUBECTL',
  }),
  ...authFlags,
};

export const outputFlags = {
  'no-color': Flags.boolean({description: 'no colour (also NO_COLOR); colour is only ever used on a terminal', helpGroup: 'OUTPUT'}),
};

/** -o: the one output flag of every command; json and yaml print the command's document (src/core/contracts). */
export function outputFormatFlag<const Formats extends readonly string[] = readonly ['table', 'wide', 'json', 'yaml']>(
  description = 'output format (table fits the terminal; wide cuts nothing)',
  formats: Formats = ['table', 'wide', 'json', 'yaml'] as unknown as Formats,
) {
  return Flags.option({char: 'o', options: formats, default: 'table', description})();
}

/** Flags shared by diff and sync: what to compare and what to leave out. */
export const compareFlags = {
  'from-context': Flags.string({description: 'context of the source (overrides the SOURCE word)'}),
  'from-namespace': Flags.string({description: 'namespace of the source (overrides the SOURCE word)'}),
  'to-context': Flags.string({description: 'context of the target (overrides the TARGET word)'}),
  'to-namespace': Flags.string({description: 'namespace of the target (overrides the TARGET word)'}),
  kind: Flags.string({
    description: 'kinds to compare: configmaps, secrets, or both (comma-separated)',
    default: 'configmaps',
  }),
  selector: Flags.string({char: 'l', description: 'label selector, e.g. app=web,tier!=db'}),
  'ignore-key': Flags.string({
    description: 'key glob whose differences are expected (repeatable; OBJECT:KEY scopes it)',
    multiple: true,
    multipleNonGreedy: true,
  }),
  'ignore-object': Flags.string({description: 'object name glob to leave out (repeatable)', multiple: true, multipleNonGreedy: true}),
  rules: Flags.string({description: 'rules file (default: .configsync.yaml found upward from the working directory)'}),
  'no-rules': Flags.boolean({description: 'do not read a rules file'}),
  'include-platform': Flags.boolean({
    description: 'include objects the platform creates in every namespace (kube-root-ca.crt, service-account tokens)',
  }),
  'show-secrets': Flags.boolean({description: 'print Secret values (masked by default)'}),
  'allow-empty': Flags.boolean({description: 'a NAME or -l that matches nothing is not an error (exit 0 with nothing compared)'}),
};

/**
 * Where copies go (fanout) or are expected (fanout status): the same flags, each described
 * for what the command does with it.
 */
function targetFlags(into: string, notInto: string) {
  return {
    'all-namespaces': Flags.boolean({
      char: 'A',
      description: `${into} every namespace (system namespaces only when named with --to-namespace)`,
    }),
    'namespace-selector': Flags.string({description: `${into} namespaces matching this label selector, e.g. 'team in (a,b)'`}),
    'namespace-regex': Flags.string({description: `${into} namespaces whose name matches this regular expression`}),
    'to-namespace': Flags.string({
      description: `${into} these namespaces (comma-separated, repeatable)`,
      multiple: true,
      multipleNonGreedy: true,
    }),
    'exclude-namespace': Flags.string({
      description: `${notInto} these namespaces (comma-separated, repeatable)`,
      multiple: true,
      multipleNonGreedy: true,
    }),
    'to-context': Flags.string({
      description: `${into} these kubeconfig contexts (comma-separated, repeatable): the context's namespace, or the source namespace; namespace flags apply in each`,
      multiple: true,
      multipleNonGreedy: true,
    }),
  };
}

/** fanout: where copies go. */
export const fanoutTargetFlags = targetFlags('copy into', 'never copy into');
/** fanout status: where copies are expected (a target without one is reported missing). */
export const statusTargetFlags = targetFlags('expect copies in', 'expect no copies in');

/** Flags shared by `restart` and `sync --restart`. */
export const restartFlags = {
  'skip-volume-only': Flags.boolean({
    description:
      'leave alone workloads that only mount the object as a volume without subPath: the kubelet refreshes the files, no restart needed (--no-skip-volume-only restarts them too)',
    default: true,
    allowNo: true,
  }),
  'max-parallel': Flags.integer({
    description: 'restart at most N workloads per wave (0: all at once); with --wait each wave finishes before the next starts',
    default: 0,
    min: 0,
  }),
  wait: Flags.boolean({description: 'follow each rollout until it completes or --timeout passes (progress on stderr)'}),
  timeout: Flags.string({description: 'how long --wait follows one rollout (e.g. 90s, 5m)', default: '5m'}),
  'halt-on-failure': Flags.boolean({description: 'start no further wave once a restart or rollout failed'}),
};

export const writeFlags = {
  'dry-run': Flags.option({
    options: ['none', 'client', 'server'] as const,
    description: 'client: print the plan and write nothing; server: send the writes with dryRun=All so admission runs, store nothing',
    default: 'none',
  })(),
  'field-manager': Flags.string({description: 'field manager name recorded on every write', default: 'kubectl-configsync'}),
  yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (required without a terminal)'}),
  'force-owned': Flags.boolean({
    description:
      'write objects whose owner reverts or overwrites them (Argo CD, Flux, Kyverno, External Secrets, Sealed Secrets, Vault Secrets Operator, cert-manager, Reflector, Replicator, Kubed, ClusterSecret); see docs/owners.md',
  }),
};

/** oclif's integer parser: the build tells integer flags from string flags by it (src/cli/completion.ts). */
export const INTEGER_PARSE = Flags.integer().parse;
