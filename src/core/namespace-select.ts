import {UsageError} from './errors.js';

/** One requirement of a Kubernetes label selector. */
export type LabelRequirement = {key: string; op: 'exists' | 'not-exists'} | {key: string; op: 'in' | 'notin'; values: string[]};

/** Namespaces the platform owns: never a target unless named explicitly. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/**
 * Parses kubectl's label selector syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x,y)`, `a`, `!a`, joined by commas. An empty selector matches everything.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const term = part.trim();
    if (term === '') throw invalid(text, 'empty requirement');
    requirements.push(parseRequirement(term, text));
  }
  return requirements;
}

export function matchesLabelSelector(requirements: LabelRequirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'not-exists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
    }
  });
}

function parseRequirement(term: string, whole: string): LabelRequirement {
  if (term.startsWith('!')) {
    const key = term.slice(1).trim();
    checkKey(key, whole);
    return {key, op: 'not-exists'};
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const [, key, op, list] = set;
    checkKey(key, whole);
    const values = list.split(',').map((v) => v.trim());
    if (values.length === 0 || values.some((v) => v === '' && values.length > 1)) throw invalid(whole, `bad value list in "${term}"`);
    values.forEach((v) => checkValue(v, whole));
    return {key, op: op as 'in' | 'notin', values};
  }
  const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (cmp) {
    const [, key, op, value] = cmp;
    checkKey(key, whole);
    checkValue(value, whole);
    return {key, op: op === '!=' ? 'notin' : 'in', values: [value]};
  }
  if (/\s/.test(term) || /[=!()]/.test(term)) throw invalid(whole, `cannot read "${term}"`);
  checkKey(term, whole);
  return {key: term, op: 'exists'};
}

/** Splits at commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  if (text.trim() === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth < 0) throw invalid(text, 'unbalanced ")"');
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (depth !== 0) throw invalid(text, 'unbalanced "("');
  parts.push(current);
  return parts;
}

function checkKey(key: string, whole: string): void {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  if (!KEY.test(key) || name.length > 63) throw invalid(whole, `invalid label key "${key}"`);
}

function checkValue(value: string, whole: string): void {
  if (!VALUE.test(value) || value.length > 63) throw invalid(whole, `invalid label value "${value}"`);
}

function invalid(text: string, why: string): UsageError {
  return new UsageError(`invalid label selector "${text}": ${why}`);
}

/** How target namespaces are chosen in one cluster. */
export interface NamespaceSelection {
  /** --all-namespaces */
  all?: boolean;
  /** --namespace-selector */
  selector?: string;
  /** --namespace-regex */
  regex?: string;
  /** --to-namespace: always included (even system namespaces), when they exist. */
  names?: string[];
  /** --exclude-namespace */
  exclude?: string[];
}

export interface NamespaceLike {
  name: string;
  labels: Record<string, string>;
  phase?: string;
}

export interface NamespaceChoice {
  /** Namespaces chosen, sorted. */
  selected: string[];
  /** Names given with --to-namespace that the cluster does not have. */
  missing: string[];
  /** Names given with --to-namespace whose namespace is being deleted: they refuse new objects, so they are failures, never skipped. */
  terminating: string[];
}

/** True when the selection names at least one way of choosing namespaces. */
export function hasNamespaceSelection(selection: NamespaceSelection): boolean {
  return Boolean(
    selection.all || selection.selector !== undefined || selection.regex !== undefined || (selection.names && selection.names.length > 0),
  );
}

/** Compiles the selection once, so a bad selector or regex is a usage error before any request. */
export function compileNamespaceSelection(selection: NamespaceSelection): (namespaces: NamespaceLike[]) => NamespaceChoice {
  const requirements = selection.selector === undefined ? undefined : parseLabelSelector(selection.selector);
  let regex: RegExp | undefined;
  if (selection.regex !== undefined) {
    try {
      regex = new RegExp(selection.regex);
    } catch (error) {
      throw new UsageError(`invalid --namespace-regex "${selection.regex}": ${(error as Error).message}`);
    }
  }
  const named = new Set(selection.names ?? []);
  const excluded = new Set(selection.exclude ?? []);
  const bySelection = selection.all || requirements !== undefined || regex !== undefined;
  return (namespaces) => {
    const selected = new Set<string>();
    const present = new Set<string>();
    const terminating: string[] = [];
    for (const ns of namespaces) {
      present.add(ns.name);
      if (excluded.has(ns.name)) continue;
      // A namespace being deleted refuses new objects: chosen by a pattern it is passed over, named it is a failure.
      if (ns.phase === 'Terminating') {
        if (named.has(ns.name)) terminating.push(ns.name);
        continue;
      }
      if (named.has(ns.name)) {
        selected.add(ns.name);
        continue;
      }
      if (!bySelection || SYSTEM_NAMESPACES.includes(ns.name)) continue;
      if (requirements && !matchesLabelSelector(requirements, ns.labels)) continue;
      if (regex && !regex.test(ns.name)) continue;
      selected.add(ns.name);
    }
    return {
      selected: [...selected].sort(),
      missing: [...named].filter((n) => !present.has(n) && !excluded.has(n)).sort(),
      terminating: terminating.sort(),
    };
  };
}
