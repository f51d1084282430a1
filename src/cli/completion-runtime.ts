// Shell completion, the I/O part: answers `kubectl-configsync __complete WORDS…`.
// Runs on every Tab, so it reads the kubeconfig with js-yaml alone (the Kubernetes
// client takes far longer to load) and only loads the client to list namespaces
// or objects, each with a short timeout: a slow cluster must not freeze the shell.
import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {delimiter, join} from 'node:path';
import {load} from 'js-yaml';
import type {ClusterApi} from '../core/cluster-api.js';
import {
  Directive,
  locationCandidates,
  objectCandidates,
  planCompletion,
  renderCompletion,
  type CompletionManifest,
  type Selection,
} from './completion.js';

/** How long listing namespaces or objects may take before completion gives up. */
export const CLUSTER_TIMEOUT_MS = 1500;

interface KubeconfigSummary {
  contexts: Map<string, {namespace?: string}>;
  currentContext?: string;
  users: Set<string>;
  clusters: Set<string>;
}

export async function runCompletion(words: string[], manifestText: string | undefined): Promise<string> {
  const manifest: CompletionManifest = manifestText ? (JSON.parse(manifestText) as CompletionManifest) : {commands: {}};
  const plan = planCompletion(words.length > 0 ? words : [''], manifest);
  const prefixed = (candidates: string[], directive: number) =>
    renderCompletion(
      candidates.map((c) => `${plan.valuePrefix ?? ''}${c}`),
      directive,
    );
  try {
    switch (plan.kind) {
      case 'static':
        return prefixed(plan.candidates, plan.directive);
      case 'contexts': {
        const contexts = [...readKubeconfig(plan.selection.kubeconfig).contexts.keys()].sort();
        return prefixed(
          contexts.filter((c) => c.startsWith(plan.prefix)),
          Directive.noFileComp,
        );
      }
      case 'namespaces': {
        const namespaces = await listNamespaces(plan.selection, plan.context);
        return prefixed(
          namespaces.filter((n) => n.startsWith(plan.prefix)),
          Directive.noFileComp,
        );
      }
      case 'locations': {
        const summary = readKubeconfig(plan.selection.kubeconfig);
        const contexts = [...summary.contexts.keys()];
        const slash = plan.word.lastIndexOf('/');
        const before = slash === -1 ? undefined : plan.word.slice(0, slash);
        if (before !== undefined && summary.contexts.has(before)) {
          const namespaces = await listNamespaces(plan.selection, before);
          const candidates = [
            ...contexts.filter((c) => c.startsWith(plan.word)),
            ...locationCandidates(plan.word, contexts, namespaces, before),
          ];
          return prefixed(candidates, Directive.noFileComp);
        }
        const namespaces = before === undefined ? await listNamespaces(plan.selection, plan.selection.context) : [];
        // A context name alone is a whole location; "context/" leads on to its namespaces.
        const candidates = locationCandidates(plan.word, contexts, namespaces);
        return prefixed(candidates, Directive.noFileComp);
      }
      case 'objects': {
        if (!/^(configmap|secret)\//.test(plan.word))
          return prefixed(objectCandidates(plan.word, []), Directive.noFileComp | Directive.noSpace);
        const objects = await withCluster(plan.selection, plan.context, async (cluster, namespace) => {
          const kind = plan.word.startsWith('secret/') ? 'Secret' : 'ConfigMap';
          return cluster.listConfigObjects(kind, plan.namespace ?? namespace);
        });
        return prefixed(objectCandidates(plan.word, objects ?? []), Directive.noFileComp);
      }
      case 'kubeconfig-entries': {
        const names = [...readKubeconfig(plan.selection.kubeconfig)[plan.section]].sort();
        return prefixed(
          names.filter((n) => n.startsWith(plan.prefix)),
          Directive.noFileComp,
        );
      }
      case 'runs': {
        // Newest first, as undo --list shows them; a journal that cannot be read is left out.
        const {RunStore, prepareRunStore} = await import('../kube/run-store.js');
        await prepareRunStore();
        // Completion only reads: the store is opened as a dry run's, which writes nothing.
        const ids = RunStore.default('client')
          .list()
          .records.map((r) => r.runId)
          .filter((id) => id.startsWith(plan.prefix));
        return prefixed(ids, Directive.noFileComp | Directive.keepOrder);
      }
    }
  } catch {
    // Completion never prints errors into the user's command line.
    return renderCompletion([], Directive.noFileComp);
  }
}

/** Contexts and the current context, merged over the KUBECONFIG chain as kubectl does (first file wins). */
export function readKubeconfig(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeconfigSummary {
  const files = explicit
    ? [explicit]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(delimiter).filter(Boolean)
      : [join(homedir(), '.kube', 'config')];
  const summary: KubeconfigSummary = {contexts: new Map(), users: new Set(), clusters: new Set()};
  for (const file of files) {
    let doc:
      | {
          contexts?: Array<{name?: string; context?: {namespace?: string}}>;
          users?: Array<{name?: string}>;
          clusters?: Array<{name?: string}>;
          'current-context'?: string;
        }
      | undefined;
    try {
      doc = load(readFileSync(file, 'utf8')) as typeof doc;
    } catch {
      continue;
    }
    for (const entry of doc?.contexts ?? []) {
      if (entry?.name && !summary.contexts.has(entry.name)) summary.contexts.set(entry.name, {namespace: entry.context?.namespace});
    }
    for (const entry of doc?.users ?? []) if (entry?.name) summary.users.add(entry.name);
    for (const entry of doc?.clusters ?? []) if (entry?.name) summary.clusters.add(entry.name);
    summary.currentContext ??= doc?.['current-context'] || undefined;
  }
  return summary;
}

async function listNamespaces(selection: Selection, context: string | undefined): Promise<string[]> {
  const namespaces = await withCluster(selection, context, (cluster) => cluster.listNamespaces());
  return (namespaces ?? []).map((n) => n.name).sort();
}

/** Runs one read against a context through the cluster seam, or gives up (undefined) after the timeout. */
async function withCluster<T>(
  selection: Selection,
  context: string | undefined,
  read: (cluster: ClusterApi, namespace: string) => Promise<T>,
): Promise<T | undefined> {
  const {Kubeconfig} = await import('../kube/kubeconfig.js');
  const kube = Kubeconfig.load({kubeconfig: selection.kubeconfig, requestTimeoutMs: CLUSTER_TIMEOUT_MS});
  const resolved = kube.resolveContext(context);
  const namespace = selection.namespace ?? kube.namespaceOf(resolved);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), CLUSTER_TIMEOUT_MS + 200);
  });
  try {
    return await Promise.race([read(kube.cluster(resolved), namespace), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
