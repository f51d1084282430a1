import {detectOwner, isOwnerMark} from './owners.js';
import type {ConfigObject} from './types.js';

/** The prefix of every label and annotation this tool writes (sync provenance, fanout origin). */
export const CONFIGSYNC_PREFIX = 'configsync.kubectl.dev/';

/**
 * The one deny list of labels and annotations a copy never takes from its source (sync and
 * fanout alike): those owned by the platform, kubectl, this tool or a deployment tool. Copying
 * them would make Helm, Argo CD, Flux or Kubed claim (and prune) the copy, or re-trigger a sync.
 */
const OWNED_PREFIXES = [
  CONFIGSYNC_PREFIX,
  'kubectl.kubernetes.io/',
  'kubernetes.io/',
  'k8s.io/',
  'control-plane.alpha.kubernetes.io/',
  'meta.helm.sh/',
  'helm.sh/',
  'argocd.argoproj.io/',
  'kubed.appscode.com/',
  'kustomize.toolkit.fluxcd.io/',
  'helm.toolkit.fluxcd.io/',
  'fluxcd.io/',
];
const OWNED_KEYS = new Set(['app.kubernetes.io/managed-by', 'argocd.argoproj.io/instance']);
const GITOPS_INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** Ours, the platform's, and every detected owner's tracking marks (src/core/owners.ts): never copied. */
export function isOwnedKey(key: string): boolean {
  return OWNED_KEYS.has(key) || OWNED_PREFIXES.some((p) => key.startsWith(p)) || isOwnerMark(key);
}

/** Argo CD (label tracking) and Helm mark their objects with app.kubernetes.io/instance. */
function isManagedByTool(object: Pick<ConfigObject, 'labels' | 'annotations'>): boolean {
  return (
    Object.hasOwn(object.labels, 'app.kubernetes.io/managed-by') ||
    Object.keys(object.annotations).some((k) => isOwnedKey(k) && !k.startsWith(CONFIGSYNC_PREFIX)) ||
    Object.keys(object.labels).some((k) => isOwnedKey(k) && !k.startsWith(CONFIGSYNC_PREFIX))
  );
}

/** Labels a copy takes from its source: the user's own; the GitOps instance label only when no tool manages the source. */
export function copyableLabels(object: Pick<ConfigObject, 'labels' | 'annotations'>): Record<string, string> {
  // Owned by anyone (Argo CD label tracking included), its instance label would claim the copy for that owner.
  const dropInstance = isManagedByTool(object) || detectOwner({kind: 'ConfigMap', name: '', namespace: '', ...object}) !== undefined;
  return pick(object.labels, (k) => !isOwnedKey(k) && !(dropInstance && k === GITOPS_INSTANCE_LABEL));
}

export function copyableAnnotations(object: Pick<ConfigObject, 'annotations'>): Record<string, string> {
  return pick(object.annotations, (k) => !isOwnedKey(k));
}

export function pick(record: Record<string, string>, keep: (key: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) if (keep(key)) out[key] = record[key];
  return out;
}
