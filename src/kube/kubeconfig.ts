import {existsSync} from 'node:fs';
import {delimiter} from 'node:path';
import {UsageError} from '../core/errors.js';
import type {ContextInfo} from '../core/location.js';
import {KubeConfig} from './client-node.js';
import {KubeCluster} from './cluster.js';
import {kubeconfigError} from './errors.js';
import {setExecPluginTimeout, useSharedExecCredentials} from './exec-credential.js';

export interface KubeconfigOptions {
  /** --kubeconfig; otherwise KUBECONFIG (several files merged, as kubectl does) or ~/.kube/config. */
  kubeconfig?: string;
  requestTimeoutMs: number;
  /** stderr notes from the clients (e.g. a fallback cluster identity). */
  note?: (text: string) => void;
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
    if (!cluster) throw new UsageError(`context "${context}" names cluster "${contextObject?.cluster}", which the kubeconfig does not define`);
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
      useSharedExecCredentials(scoped);
      cluster = new KubeCluster(resolved, this.serverOf(resolved), scoped, {requestTimeoutMs: this.options.requestTimeoutMs, note: this.options.note});
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
