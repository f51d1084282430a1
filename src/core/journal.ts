import type {ConfigKind, ConfigObject} from './types.js';

/**
 * The run journal: one JSON document per line, appended and flushed to disk before each
 * write it describes. It is the backup `undo` restores from, and it survives a crash at
 * any point, since undo decides from the live object and the journal, never from what
 * the process believed it had done.
 */
export const JOURNAL_API_VERSION = 'configsync.kubectl.dev/v1alpha1';

export type RunCommand = 'sync' | 'fanout';
export type WriteOp = 'create' | 'update' | 'delete' | 'recreate';

export interface JournalRunLine {
  type: 'run';
  apiVersion: typeof JOURNAL_API_VERSION;
  runId: string;
  createdAt: string;
  command: RunCommand;
  /** For messages and `undo --list`: where the run read from and wrote to. */
  source?: {context: string; namespace: string};
  target?: {context: string; namespace: string};
}

/** Written before the request is sent: the full object before, and what the write intends to leave. */
export interface JournalIntentLine {
  type: 'intent';
  seq: number;
  at: string;
  /** 'undo' for the writes of an undo of this run. */
  phase: 'run' | 'undo';
  op: WriteOp;
  context: string;
  kind: ConfigKind;
  namespace: string;
  name: string;
  before?: ConfigObject;
  after?: ConfigObject;
  /** Keys the write changes, for `undo --list`. */
  keys?: string[];
}

/** Written once the answer is known. No line at all means the answer never came (crash, lost connection). */
export interface JournalResultLine {
  type: 'result';
  seq: number;
  at: string;
  outcome: 'written' | 'failed';
  /** What the server returned. */
  object?: ConfigObject;
  error?: string;
}

export interface JournalUndoneLine {
  type: 'undone';
  at: string;
}

export type JournalLine = JournalRunLine | JournalIntentLine | JournalResultLine | JournalUndoneLine;

/** One object a run touched or may have touched, folded from its journal lines. */
export interface RunEntry {
  context: string;
  kind: ConfigKind;
  namespace: string;
  name: string;
  op: WriteOp;
  /** The object before the run's first write to it; absent when it did not exist. */
  before?: ConfigObject;
  /** Every state the run (or an undo of it) meant to leave, newest last. */
  afters: ConfigObject[];
  /** A delete was sent, so "absent" is a state the run may have left. */
  mayBeAbsent: boolean;
  /** written: every write answered; pending: a write was sent and never answered; failed: refused. */
  outcome: 'written' | 'pending' | 'failed';
  keys: string[];
  error?: string;
}

export interface RunRecord {
  runId: string;
  createdAt: string;
  command: RunCommand;
  source?: {context: string; namespace: string};
  target?: {context: string; namespace: string};
  entries: RunEntry[];
  undoneAt?: string;
  /** The file it was read from. */
  file: string;
}

export function entryKey(entry: Pick<RunEntry, 'context' | 'kind' | 'namespace' | 'name'>): string {
  return `${entry.context}\0${entry.kind}\0${entry.namespace}\0${entry.name}`;
}

/** Folds journal lines (already validated) into one entry per object, in the order first touched. */
export function foldJournal(lines: JournalLine[], file: string): RunRecord {
  const header = lines[0] as JournalRunLine;
  const entries = new Map<string, RunEntry>();
  const bySeq = new Map<number, RunEntry>();
  const runIntents = new Map<number, RunEntry>();
  const pending = new Set<number>();
  const written = new Set<RunEntry>();
  let undoneAt: string | undefined;
  for (const line of lines.slice(1)) {
    if (line.type === 'intent') {
      const key = entryKey(line);
      let entry = entries.get(key);
      if (!entry) {
        entry = {
          context: line.context,
          kind: line.kind,
          namespace: line.namespace,
          name: line.name,
          op: line.op,
          ...(line.before ? {before: line.before} : {}),
          afters: [],
          mayBeAbsent: false,
          outcome: 'written',
          keys: [],
        };
        entries.set(key, entry);
      }
      if (line.after) entry.afters.push(line.after);
      if (line.op === 'delete' || line.op === 'recreate') entry.mayBeAbsent = true;
      if (line.phase === 'run') {
        for (const k of line.keys ?? []) if (!entry.keys.includes(k)) entry.keys.push(k);
        runIntents.set(line.seq, entry);
        pending.add(line.seq);
      }
      bySeq.set(line.seq, entry);
      undoneAt = undefined;
    } else if (line.type === 'result') {
      const entry = bySeq.get(line.seq);
      if (!entry) continue;
      pending.delete(line.seq);
      if (runIntents.has(line.seq)) {
        if (line.outcome === 'written') written.add(entry);
        if (line.error) entry.error = line.error;
      }
      if (line.object) entry.afters.push(line.object);
    } else if (line.type === 'undone') {
      undoneAt = line.at;
    }
  }
  // An object counts as written when any of the run's writes to it went through, as pending when
  // one was sent and never answered, and as failed only when the server refused every one.
  const unanswered = new Set([...pending].map((seq) => runIntents.get(seq)!));
  for (const entry of entries.values()) entry.outcome = written.has(entry) ? 'written' : unanswered.has(entry) ? 'pending' : 'failed';
  return {
    runId: header.runId,
    createdAt: header.createdAt,
    command: header.command,
    ...(header.source ? {source: header.source} : {}),
    ...(header.target ? {target: header.target} : {}),
    entries: [...entries.values()],
    ...(undoneAt ? {undoneAt} : {}),
    file,
  };
}

/** A run that may have changed something: at least one write was sent. */
export function mayHaveWritten(record: RunRecord): boolean {
  return record.entries.some((e) => e.outcome !== 'failed' || e.mayBeAbsent);
}
