import {UsageError} from '../core/errors.js';
import type {ContextInfo} from '../core/location.js';
import {KubeConfig} from './client-node.js';
import {KubeCluster} from './cluster.js';
import {kubeconfigError} from './errors.js';

export interface KubeconfigOptions {
  /** --kubeconfig; otherwise KUBECONFIG (several files merged, as kubectl does) or ~/.kube/config. */
  kubeconfig?: string;
  requestTimeoutMs: number;
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
    try {
      if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
      else config.loadFromDefault();
    } catch (error) {
      throw kubeconfigError(error, options.kubeconfig ?? process.env.KUBECONFIG);
    }
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
      cluster = new KubeCluster(resolved, this.serverOf(resolved), scoped, {requestTimeoutMs: this.options.requestTimeoutMs});
      this.clusters.set(resolved, cluster);
    }
    return cluster;
  }
}
