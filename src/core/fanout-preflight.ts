import type {AccessVerb} from './cluster-api.js';
import {summarize, type FanoutEntry, type FanoutPlan} from './fanout-plan.js';
import type {ConfigKind} from './types.js';
import {counted} from './words.js';

/** One permission a write of the plan needs, in one context and namespace. */
export interface NeededAccess {
  context: string;
  namespace: string;
  verb: AccessVerb;
  kind: ConfigKind;
}

export interface Preflight {
  /** Targets with a write planned, and how many of them the caller may write. */
  total: number;
  writable: number;
  denied: Array<{context: string; namespace: string; verbs: string[]}>;
}

/** The permissions each planned write needs: create, update (delete + create to recreate), delete to prune. */
export function accessNeeded(plan: Pick<FanoutPlan, 'source' | 'entries'>): NeededAccess[] {
  const needed = new Map<string, NeededAccess>();
  for (const entry of plan.entries) {
    for (const verb of verbsOf(entry))
      needed.set(`${entry.context} ${entry.namespace} ${verb}`, {
        context: entry.context,
        namespace: entry.namespace,
        verb,
        kind: plan.source.kind,
      });
  }
  return [...needed.values()];
}

function verbsOf(entry: FanoutEntry): AccessVerb[] {
  if (entry.action === 'create') return ['create'];
  if (entry.action === 'prune') return ['delete'];
  // An update is a merge patch (the write path never PUTs): what RBAC must allow is patch.
  if (entry.action === 'update') return entry.recreate ? ['delete', 'create'] : ['patch'];
  return [];
}

/**
 * The plan with every write the caller may not make turned into an error entry that says
 * which permission is missing, and the count "you can write N of M targets".
 */
export function applyPreflight(plan: FanoutPlan, allowed: (access: NeededAccess) => boolean): FanoutPlan & {preflight: Preflight} {
  const denied: Preflight['denied'] = [];
  let total = 0;
  const entries = plan.entries.map((entry): FanoutEntry => {
    const verbs = verbsOf(entry);
    if (verbs.length === 0) return entry;
    total++;
    const resource = plan.source.kind === 'Secret' ? 'secrets' : 'configmaps';
    const missing = verbs.filter((verb) => !allowed({context: entry.context, namespace: entry.namespace, verb, kind: plan.source.kind}));
    if (missing.length === 0) return entry;
    denied.push({context: entry.context, namespace: entry.namespace, verbs: missing});
    return {
      context: entry.context,
      cluster: entry.cluster,
      namespace: entry.namespace,
      action: 'error',
      reason: `forbidden: you may not ${missing.join(' or ')} ${resource} in namespace "${entry.namespace}" (access review before writing; planned: ${entry.action})`,
    };
  });
  return {...plan, entries, summary: summarize(entries), preflight: {total, writable: total - denied.length, denied}};
}

export function describePreflight(preflight: Preflight): string {
  const names = preflight.denied.map((d) => `${d.context}/${d.namespace} (${d.verbs.join(', ')})`).join(', ');
  return `you can write ${preflight.writable} of ${counted(preflight.total, 'target')}${names ? `; not: ${names}` : ''}`;
}
