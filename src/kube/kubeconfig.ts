import {existsSync, readFileSync} from 'node:fs';
import {delimiter} from 'node:path';
import {UsageError} from '../core/errors.js';
import type {ContextInfo} from '../core/location.js';
import {KubeConfig} from './client-node.js';
import {KubeCluster} from './cluster.js';
import {kubeconfigError} from './errors.js';
import {setExecPluginTimeout} from './exec-credential.js';
import type {RequestLogSink} from './request-log.js';

export interface KubeconfigOptions {
  /** --kubeconfig; otherwise KUBECONFIG (several files merged, as kubectl does) or ~/.kube/config. */
  kubeconfig?: string;
  requestTimeoutMs: number;
  /** kubectl's authentication and override flags, applied to every context. */
  overrides?: ClientOverrides;
  /** -v=6 and above: every API request is logged here. */
  requestLog?: RequestLogSink;
  /** stderr notes from the clients (e.g. a fallback cluster identity). */
  note?: (text: string) => void;
}

/** --as, --as-group, --user, --cluster, --token, --certificate-authority, --insecure-skip-tls-verify. */
export interface ClientOverrides {
  as?: string;
  asGroups?: string[];
  user?: string;
  cluster?: string;
  token?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
}

/** The user's kubeconfig: which contexts exist, and a client per context. */
export class Kubeconfig {
  private readonly clusters = new Map<string, KubeCluster>();

  private constructor(
    private readonly config: KubeConfig,
    private readonly options: KubeconfigOptions,
  ) {}

  static load(options: KubeconfigOptions): Kubeconfig {
    const config = new KubeConfig();
    const files = kubeconfigFiles(process.env.KUBECONFIG);
    try {
      if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
      else if (files.length > 0) loadMerged(config, files);
      else config.loadFromDefault();
    } catch (error) {
      throw kubeconfigError(error, options.kubeconfig ?? process.env.KUBECONFIG);
    }
    if (options.overrides) applyOverrides(config, options.overrides);
    setExecPluginTimeout(options.requestTimeoutMs);
    return new Kubeconfig(config, options);
  }

  get currentContext(): string | undefined {
    return this.config.getCurrentContext() || undefined;
  }

  get contexts(): ContextInfo[] {
    return this.config.getContexts().map((c) => ({name: c.name, namespace: c.namespace}));
  }

  hasContext(name: string): boolean {
    return this.config.getContextObject(name) !== null;
  }

  /** The namespace a context sets, or "default". */
  namespaceOf(context: string): string {
    return this.config.getContextObject(context)?.namespace || 'default';
  }

  /** Resolves --context (or the current context), failing with a usage error when unknown. */
  resolveContext(name: string | undefined): string {
    const context = name ?? this.currentContext;
    if (!context) throw new UsageError('no context: the kubeconfig has no current-context; pass --context');
    if (!this.hasContext(context)) {
      throw new UsageError(`unknown context "${context}" (contexts: ${this.contexts.map((c) => c.name).join(', ') || 'none'})`);
    }
    return context;
  }

  serverOf(context: string): string {
    const contextObject = this.config.getContextObject(context);
    const cluster = contextObject ? this.config.getCluster(contextObject.cluster) : null;
    if (!cluster)
      throw new UsageError(`context "${context}" names cluster "${contextObject?.cluster}", which the kubeconfig does not define`);
    return cluster.server;
  }

  cluster(context: string): KubeCluster {
    const resolved = this.resolveContext(context);
    let cluster = this.clusters.get(resolved);
    if (!cluster) {
      const scoped = new KubeConfig();
      // A copy per context: the client reads credentials from the current context.
      scoped.loadFromOptions({
        clusters: this.config.clusters,
        users: this.config.users,
        contexts: this.config.contexts,
        currentContext: resolved,
      });
      cluster = new KubeCluster(resolved, this.serverOf(resolved), scoped, {
        requestTimeoutMs: this.options.requestTimeoutMs,
        requestLog: this.options.requestLog,
        note: this.options.note,
        impersonateGroup: this.options.overrides?.asGroups?.[0],
      });
      this.clusters.set(resolved, cluster);
    }
    return cluster;
  }
}

function kubeconfigFiles(variable: string | undefined): string[] {
  return [...new Set((variable ?? '').split(delimiter).filter(Boolean))];
}

/**
 * KUBECONFIG with several files, merged as kubectl merges them: files that do not
 * exist are skipped, and the first file to define a cluster, user, context or the
 * current context wins. (The client library instead refuses a name defined twice,
 * which is common when each cluster's file calls its user "admin".)
 */
function loadMerged(config: KubeConfig, files: string[]): void {
  const existing = files.filter((file) => existsSync(file));
  if (existing.length === 0) throw new Error(`none of the files exist: ${files.join(', ')}`);
  const clusters = new Map<string, unknown>();
  const users = new Map<string, unknown>();
  const contexts = new Map<string, unknown>();
  let currentContext = '';
  for (const file of existing) {
    const part = new KubeConfig();
    part.loadFromFile(file);
    for (const cluster of part.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of part.users) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of part.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
    currentContext ||= part.currentContext;
  }
  config.loadFromOptions({clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext});
}

/**
 * kubectl's override flags, as kubectl applies them to the context in use; here to every
 * context, since one command may talk to several. --cluster and --user must name entries
 * of the kubeconfig; --token replaces the user's credentials; --as impersonates.
 */
function applyOverrides(config: KubeConfig, overrides: ClientOverrides): void {
  const {as, asGroups = [], user, cluster, token, certificateAuthority, insecureSkipTlsVerify} = overrides;
  const given =
    [as, user, cluster, token, certificateAuthority].some((v) => v !== undefined) || asGroups.length > 0 || insecureSkipTlsVerify;
  if (!given) return;
  if (certificateAuthority !== undefined && insecureSkipTlsVerify) {
    throw new UsageError('--certificate-authority and --insecure-skip-tls-verify cannot be used together');
  }
  if (asGroups.length > 0 && as === undefined) throw new UsageError('--as-group needs --as: a group is impersonated together with a user');
  // The client sends each header once, and the API server does not split a comma-joined group list.
  if (asGroups.length > 1) throw new UsageError(`--as-group can be given once (got ${asGroups.length}: ${asGroups.join(', ')})`);
  if (certificateAuthority !== undefined) {
    try {
      readFileSync(certificateAuthority);
    } catch (error) {
      throw new UsageError(
        `--certificate-authority: cannot read "${certificateAuthority}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }
  const names = (entries: Array<{name: string}>) => entries.map((e) => e.name).join(', ') || 'none';
  if (cluster !== undefined && !config.getCluster(cluster)) {
    throw new UsageError(`--cluster "${cluster}": the kubeconfig has no cluster of that name (clusters: ${names(config.clusters)})`);
  }
  if (user !== undefined && !config.getUser(user)) {
    throw new UsageError(`--user "${user}": the kubeconfig has no user of that name (users: ${names(config.users)})`);
  }
  config.loadFromOptions({
    clusters: config.clusters.map((c) => ({
      ...c,
      // With --insecure-skip-tls-verify the server's certificate is not checked, so no CA applies (as in kubectl).
      caFile: insecureSkipTlsVerify ? undefined : (certificateAuthority ?? c.caFile),
      caData: insecureSkipTlsVerify || certificateAuthority !== undefined ? undefined : c.caData,
      skipTLSVerify: insecureSkipTlsVerify || c.skipTLSVerify,
    })),
    users: config.users.map((u) => {
      const base = token !== undefined ? {name: u.name, token} : u;
      return as !== undefined ? {...base, impersonateUser: as} : base;
    }),
    contexts: config.contexts.map((c) => ({...c, cluster: cluster ?? c.cluster, user: user ?? c.user})),
    currentContext: config.currentContext,
  });
}
