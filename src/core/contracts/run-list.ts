import type {RunCommand, RunEntry, RunRecord} from '../journal.js';
import type {ConfigKind} from '../types.js';

/** One run as `undo --list -o json` prints it (schema/undo-result.schema.json#/$defs/RunSummary). */
export interface RunSummary {
  runId: string;
  createdAt: string;
  command: RunCommand;
  source?: {context: string; namespace: string};
  target?: {context: string; namespace: string};
  objects: Array<{
    context: string;
    namespace: string;
    kind: ConfigKind;
    name: string;
    op: RunEntry['op'];
    outcome: RunEntry['outcome'];
    keys: string[];
  }>;
  undoneAt?: string;
}

/** What `undo --list` shows: names only, since journals hold values and are never printed. */
export function summarizeRuns(records: RunRecord[]): RunSummary[] {
  return records.map((r) => ({
    runId: r.runId,
    createdAt: r.createdAt,
    command: r.command,
    ...(r.source ? {source: r.source} : {}),
    ...(r.target ? {target: r.target} : {}),
    objects: r.entries.map((e) => ({
      context: e.context,
      namespace: e.namespace,
      kind: e.kind,
      name: e.name,
      op: e.op,
      outcome: e.outcome,
      keys: e.keys,
    })),
    ...(r.undoneAt ? {undoneAt: r.undoneAt} : {}),
  }));
}
