import {DIFF_API_VERSION} from '../diff.js';
import type {CopyStatus, FanoutEntry, FanoutPlan, FanoutStatus, FanoutSummary, SourceRef} from '../fanout-plan.js';

/** The source as documents show it: without the URLs used to recognise copies of earlier versions. */
export type PublicSource<T extends SourceRef> = Omit<T, 'legacyServers'>;

export type FanoutOutcome = 'done' | 'failed' | 'skipped' | 'unchanged';

/** One target of `fanout -o json`: no object bodies, so no values (Secrets stay unprinted). */
export interface FanoutDocumentEntry extends Pick<
  FanoutEntry,
  | 'context'
  | 'cluster'
  | 'namespace'
  | 'action'
  | 'conflict'
  | 'changes'
  | 'recreate'
  | 'migrate'
  | 'resourceVersion'
  | 'reason'
  | 'owner'
  | 'ownerWarning'
> {
  /** After the apply only. */
  outcome?: FanoutOutcome;
  error?: string;
}

/** The JSON contract of `fanout -o json` (schema/fanout-plan.schema.json). */
export interface FanoutPlanDocument {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'FanoutPlan';
  source: PublicSource<FanoutPlan['source']>;
  summary: FanoutSummary;
  preflight?: FanoutPlan['preflight'];
  warnings?: string[];
  entries: FanoutDocumentEntry[];
}

/** A context whose copies could not be read. */
export interface ContextError {
  context: string;
  message: string;
}

/** The JSON contract of `fanout status -o json` (schema/fanout-status.schema.json). */
export interface FanoutStatusDocument {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'FanoutStatus';
  source: PublicSource<FanoutStatus['source']>;
  copies: CopyStatus[];
  summary: FanoutStatus['summary'];
  errors: ContextError[];
}

export function publicSource<T extends SourceRef>(source: T): PublicSource<T> {
  const {legacyServers: _legacy, ...rest} = source;
  return rest;
}

/** The plan as a document, with each target's outcome once applied. */
export function fanoutDocument(plan: FanoutPlan, results?: Array<{outcome?: FanoutOutcome; message?: string}>): FanoutPlanDocument {
  return {
    apiVersion: DIFF_API_VERSION,
    kind: 'FanoutPlan',
    source: publicSource(plan.source),
    summary: plan.summary,
    ...(plan.preflight ? {preflight: plan.preflight} : {}),
    ...(plan.warnings ? {warnings: plan.warnings} : {}),
    entries: plan.entries.map((e, i) => ({
      context: e.context,
      ...(e.cluster ? {cluster: e.cluster} : {}),
      namespace: e.namespace,
      action: e.action,
      ...(e.conflict ? {conflict: e.conflict} : {}),
      ...(e.changes ? {changes: e.changes} : {}),
      ...(e.recreate ? {recreate: true} : {}),
      ...(e.migrate ? {migrate: true} : {}),
      ...(e.resourceVersion ? {resourceVersion: e.resourceVersion} : {}),
      ...(e.reason ? {reason: e.reason} : {}),
      ...(e.owner ? {owner: e.owner} : {}),
      ...(e.ownerWarning ? {ownerWarning: e.ownerWarning} : {}),
      ...(results ? {outcome: results[i].outcome, ...(results[i].outcome === 'failed' ? {error: results[i].message} : {})} : {}),
    })),
  };
}

export function fanoutStatusDocument(status: FanoutStatus, errors: ContextError[]): FanoutStatusDocument {
  return {apiVersion: DIFF_API_VERSION, kind: 'FanoutStatus', ...status, source: publicSource(status.source), errors};
}
