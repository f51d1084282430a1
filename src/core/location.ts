import {UsageError} from './errors.js';
import type {Location} from './types.js';

export interface ContextInfo {
  name: string;
  /** Namespace set on the context in the kubeconfig, if any. */
  namespace?: string;
}

export interface LocationResolution {
  location: Location;
  /** How the word was read; for a note on stderr when it was ambiguous. */
  readAs: 'context' | 'context/namespace' | 'namespace';
}

export interface LocationOverrides {
  context?: string;
  namespace?: string;
}

/**
 * Reads CONTEXT, NAMESPACE or CONTEXT/NAMESPACE. An exact context name wins
 * (EKS context names are ARNs full of ':' and '/'); then a split at the last '/';
 * otherwise the word is a namespace in the current context.
 */
export function resolveLocation(
  word: string,
  contexts: ContextInfo[],
  currentContext: string | undefined,
  overrides: LocationOverrides = {},
): LocationResolution {
  const byName = new Map(contexts.map((c) => [c.name, c]));
  const contextNamespace = (name: string) => byName.get(name)?.namespace || 'default';
  if (word === '') throw new UsageError('empty location: expected CONTEXT, NAMESPACE or CONTEXT/NAMESPACE');

  let resolution: LocationResolution;
  if (byName.has(word)) {
    resolution = {location: {context: word, namespace: contextNamespace(word), label: word}, readAs: 'context'};
  } else if (word.includes('/')) {
    const cut = word.lastIndexOf('/');
    const context = word.slice(0, cut);
    const namespace = word.slice(cut + 1);
    if (!byName.has(context)) {
      throw new UsageError(`unknown context "${context}" in location "${word}" (contexts: ${listNames(contexts)})`);
    }
    if (!isValidNamespaceName(namespace)) {
      throw new UsageError(`invalid namespace "${namespace}" in location "${word}"`);
    }
    resolution = {location: {context, namespace, label: word}, readAs: 'context/namespace'};
  } else {
    if (!currentContext)
      throw new UsageError(`"${word}" is not a context, and the kubeconfig has no current context to find namespace "${word}" in`);
    if (!isValidNamespaceName(word)) {
      throw new UsageError(`"${word}" is neither a context (contexts: ${listNames(contexts)}) nor a valid namespace name`);
    }
    resolution = {location: {context: currentContext, namespace: word, label: word}, readAs: 'namespace'};
  }

  if (overrides.context !== undefined) {
    if (!byName.has(overrides.context)) throw new UsageError(`unknown context "${overrides.context}" (contexts: ${listNames(contexts)})`);
    resolution.location.context = overrides.context;
  }
  if (overrides.namespace !== undefined) resolution.location.namespace = overrides.namespace;
  return resolution;
}

export function isValidNamespaceName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 63;
}

function listNames(contexts: ContextInfo[]): string {
  const names = contexts.map((c) => c.name);
  return names.length === 0 ? 'none' : names.join(', ');
}
