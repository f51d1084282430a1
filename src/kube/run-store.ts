import {randomBytes} from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import {homedir} from 'node:os';
import {compileSchema} from '../core/schema-validator.js';
import {dirname, join} from 'node:path';
import {ClusterError, UsageError} from '../core/errors.js';
import {
  foldJournal,
  JOURNAL_API_VERSION,
  mayHaveWritten,
  type JournalIntentLine,
  type JournalLine,
  type JournalRunLine,
  type RunRecord,
} from '../core/journal.js';
import schema from '../../schema/run-journal.schema.json' with {type: 'json'};
import type {DryRunMode} from './write-path.js';

/** The journal cannot be written: no cluster write may follow. */
export class JournalError extends ClusterError {}

const RUN_ID = /^[0-9A-Za-z-]+$/;

/**
 * An open run journal. Every line is appended and flushed to disk (file and, on creation,
 * directory) before append() returns, so a write the journal describes can only happen
 * after its intent is durable. A failed append leaves no partial line behind.
 */
export class RunJournal {
  private seq = 0;
  private broken?: string;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private size: number,
  ) {}

  /** Creates the journal with its header line; on failure nothing is left on disk. */
  static create(dir: string, header: Omit<JournalRunLine, 'type' | 'apiVersion'>): RunJournal {
    const path = join(dir, `${header.runId}.jsonl`);
    let fd: number | undefined;
    try {
      ensurePrivateDir(dir);
      fd = openSync(path, 'wx', 0o600);
      chmodSync(path, 0o600);
      const journal = new RunJournal(path, fd, 0);
      journal.appendLine({type: 'run', apiVersion: JOURNAL_API_VERSION, ...header});
      syncDir(dir);
      return journal;
    } catch (error) {
      if (fd !== undefined) {
        closeQuietly(fd);
        try {
          unlinkSync(path);
        } catch {
          // nothing to remove
        }
      }
      const failed = journalError(dir, error);
      throw new JournalError(`${failed.message}; nothing was written`);
    }
  }

  /** Reopens an existing journal to append (an undo records its own writes in the run's journal). */
  static reopen(path: string): RunJournal {
    try {
      const fd = openSync(path, 'a', 0o600);
      const journal = new RunJournal(path, fd, statSync(path).size);
      journal.seq = highestSeq(readFileSync(path, 'utf8'));
      return journal;
    } catch (error) {
      throw journalError(dirname(path), error);
    }
  }

  /** Records the intent of one write; returns its sequence number for the result. */
  intent(line: Omit<JournalIntentLine, 'type' | 'seq' | 'at'>): number {
    const seq = ++this.seq;
    this.append({type: 'intent', seq, at: new Date().toISOString(), ...line});
    return seq;
  }

  result(seq: number, outcome: 'written' | 'failed', detail: {object?: JournalIntentLine['after']; error?: string} = {}): void {
    this.append({type: 'result', seq, at: new Date().toISOString(), outcome, ...detail});
  }

  markUndone(): void {
    this.append({type: 'undone', at: new Date().toISOString()});
  }

  close(): void {
    closeQuietly(this.fd);
  }

  private append(line: JournalLine): void {
    if (this.broken) throw new JournalError(this.broken);
    try {
      this.appendLine(line);
    } catch (error) {
      this.broken = journalError(dirname(this.path), error).message;
      throw new JournalError(this.broken);
    }
  }

  private appendLine(line: JournalLine): void {
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
      fsyncSync(this.fd);
      this.size += bytes.length;
    } catch (error) {
      // A torn line would make the journal unreadable: cut the file back to its last whole line.
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the next reader drops a torn last line anyway
      }
      throw error;
    }
  }
}

export interface StoreProblem {
  file: string;
  reason: string;
}

/** What `undo --prune` found older than its cutoff, and whether it deleted them (never in a dry run). */
export interface PruneOutcome {
  files: string[];
  deleted: boolean;
  problems: StoreProblem[];
}

/**
 * The run journals of this user. They hold Secret values, so the directory is 0700 and
 * every file 0600, and their content is never printed or quoted in an error.
 *
 * This is the only local state the tool keeps, and the store is the one place that decides
 * whether it may change: a store opened for a dry run (client or server) creates, appends to
 * and deletes nothing — a dry run persists nothing, whichever command forgets to check.
 */
export class RunStore {
  constructor(
    readonly dir: string,
    readonly dryRun: DryRunMode = 'none',
  ) {}

  /**
   * $XDG_STATE_HOME/kubectl-configsync/runs, or ~/.local/state/kubectl-configsync/runs, for a
   * command run with this --dry-run (required: whoever opens the store says whether it may write).
   */
  static default(dryRun: DryRunMode, env: NodeJS.ProcessEnv = process.env): RunStore {
    const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
    return new RunStore(join(base, 'kubectl-configsync', 'runs'), dryRun);
  }

  /** Throws before anything on disk would change in a dry run. */
  private mayWrite(what: string): void {
    if (this.dryRun !== 'none') throw new JournalError(`dry run (${this.dryRun}): ${what} refused; a dry run persists nothing`);
  }

  /** Sortable by time, short enough to type. */
  static newRunId(now: Date): string {
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, '')
      .replace('T', '-');
    return `${stamp}-${randomBytes(3).toString('hex')}`;
  }

  pathOf(runId: string): string {
    if (!RUN_ID.test(runId)) throw new UsageError(`invalid run id "${runId}"`);
    return join(this.dir, `${runId}.jsonl`);
  }

  create(header: Omit<JournalRunLine, 'type' | 'apiVersion'>): RunJournal {
    this.mayWrite('creating a run journal');
    return RunJournal.create(this.dir, header);
  }

  /** Opens a run's journal to append to it (undo records its restores there, and marks the run undone). */
  reopen(record: Pick<RunRecord, 'file'>): RunJournal {
    this.mayWrite('appending to a run journal');
    return RunJournal.reopen(record.file);
  }

  /** One run; a file that cannot be read or is not a journal is a usage error naming it. */
  load(runId: string): RunRecord {
    const path = this.pathOf(runId);
    if (!existsSync(path)) throw new UsageError(`no run "${runId}" in ${this.dir} (see undo --list)`);
    const result = readJournal(path);
    if ('reason' in result) throw new UsageError(`${path}: ${result.reason}`);
    return result;
  }

  /** Every run, newest first, and one problem per file that cannot be read; one bad file never hides the others. */
  list(): {records: RunRecord[]; problems: StoreProblem[]} {
    const records: RunRecord[] = [];
    const problems: StoreProblem[] = [];
    for (const file of this.files()) {
      const result = readJournal(join(this.dir, file));
      if ('reason' in result) problems.push({file: join(this.dir, file), reason: result.reason});
      else records.push(result);
    }
    // Newest first by the time each run started (run ids only resolve seconds).
    records.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId));
    return {records, problems};
  }

  /** The most recent run that may have written something and was not undone. */
  latestUndoable(): RunRecord | undefined {
    return this.list().records.find((r) => !r.undoneAt && mayHaveWritten(r));
  }

  /**
   * The journals of runs started before `cutoff` (they hold Secret values), oldest first;
   * deleted unless this store is a dry run's, which only lists them.
   */
  prune(cutoff: Date): PruneOutcome {
    const {records, problems} = this.list();
    const files = records
      .filter((record) => new Date(record.createdAt).getTime() < cutoff.getTime())
      .map((record) => record.file)
      .reverse();
    if (this.dryRun !== 'none') return {files, deleted: false, problems};
    for (const file of files) {
      this.mayWrite('deleting a run journal');
      unlinkSync(file);
    }
    return {files, deleted: true, problems};
  }

  modeOf(runId: string): number {
    return statSync(this.pathOf(runId)).mode & 0o777;
  }

  private files(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((f) => f.endsWith('.jsonl') && RUN_ID.test(f.slice(0, -'.jsonl'.length)));
  }
}

let validateLine: ((line: unknown) => boolean) | undefined;

async function loadValidator(): Promise<void> {
  if (validateLine) return;
  validateLine = await compileSchema(schema, '2020', {strict: true, strictRequired: false, allowUnionTypes: true});
}

/** Compiles the journal schema; call once before reading (the validator loads lazily: only undo needs it). */
export const prepareRunStore = loadValidator;

function readJournal(path: string): RunRecord | {reason: string} {
  if (!validateLine) throw new Error('prepareRunStore() was not awaited');
  let text: string;
  try {
    // Only regular files: a FIFO or device under a run's name would block or never end.
    if (!statSync(path).isFile()) return {reason: 'not a regular file; not a kubectl-configsync run journal'};
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`};
  }
  const rawLines = text.split('\n');
  // A crash can tear the last line only: it was never followed by a write, so it is dropped.
  const torn = rawLines.length > 0 && rawLines[rawLines.length - 1] !== '';
  const lines: JournalLine[] = [];
  for (const [index, raw] of rawLines.entries()) {
    if (raw === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      if (torn && index === rawLines.length - 1) continue;
      // Never quote the line: it may hold Secret values.
      return {reason: `line ${index + 1} is not JSON; not a kubectl-configsync run journal`};
    }
    if (!validateLine(parsed)) return {reason: `line ${index + 1} is not a run journal entry (${JOURNAL_API_VERSION})`};
    lines.push(parsed as JournalLine);
  }
  if (lines.length === 0 || lines[0].type !== 'run') return {reason: 'no run header; not a kubectl-configsync run journal'};
  // Runs are ordered and pruned by this time: one that is not a time would sort and prune wrongly.
  if (Number.isNaN(Date.parse(lines[0].createdAt))) return {reason: 'the run header has no valid createdAt time'};
  if (lines.slice(1).some((l) => l.type === 'run')) return {reason: 'more than one run header'};
  return foldJournal(lines, path);
}

function highestSeq(text: string): number {
  let seq = 0;
  for (const raw of text.split('\n')) {
    try {
      const line = JSON.parse(raw) as {seq?: unknown};
      if (typeof line.seq === 'number' && line.seq > seq) seq = line.seq;
    } catch {
      // torn or blank
    }
  }
  return seq;
}

function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, {recursive: true, mode: 0o700});
  chmodSync(dir, 0o700);
  const parent = dirname(dir);
  if (existsSync(parent) && parent.endsWith('kubectl-configsync')) chmodSync(parent, 0o700);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function journalError(dir: string, error: unknown): JournalError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'no space left on device'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code === 'ENOTDIR'
            ? 'not a directory'
            : (code ?? (error as Error).message);
  return new JournalError(`cannot write the run journal in ${dir}: ${why}${code && !why.includes(code) ? ` (${code})` : ''}`);
}
