import {Flags} from '@oclif/core';
import {parseKubectlDuration} from '../core/duration.js';

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

/** kubectl's syntax: a bare number of seconds, or Go's ("500ms", "30s", "1h30m"). */
export function parseDuration(text: string): number {
  return parseKubectlDuration(text);
}
