import type {Owner} from '../owners.js';
import {DIFF_API_VERSION} from '../diff.js';
import type {KeyChange, SyncAction} from '../sync-plan.js';
import type {ConfigKind, Location} from '../types.js';

/** The JSON contract of `sync -o json` after writing (schema/sync-result.schema.json). */
export type ObjectOutcome = 'written' | 'unchanged' | 'skipped' | 'failed';

export interface ObjectResult {
  kind: ConfigKind;
  name: string;
  action: SyncAction;
  outcome: ObjectOutcome;
  /** Masked unless --show-secrets. */
  keys: KeyChange[];
  /** Names of the keys whose values actually changed on the server (empty unless written). */
  changedKeys: string[];
  resourceVersion?: string;
  reason?: string;
  error?: string;
  /** The target moved after it was read (HTTP 409 or a stale saved plan). */
  conflict?: boolean;
  /** Who else owns the target. */
  owner?: Owner;
}

export interface SyncResultSummary {
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

export interface SyncResult {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'SyncResult';
  runId?: string;
  dryRun: 'none' | 'server';
  source: Location;
  target: Location;
  summary: SyncResultSummary;
  objects: ObjectResult[];
}
