import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {DIFF_API_VERSION} from '../core/diff.js';
import {describeParseError, UsageError} from '../core/errors.js';
import type {ConfigKind, ConfigObject, Location} from '../core/types.js';

export type BackupAction = 'create' | 'update' | 'recreate';

export interface BackupEntry {
  kind: ConfigKind;
  name: string;
  action: BackupAction;
  /** The target object as it was read before the sync (absent when the sync created it). */
  before?: ConfigObject;
  /** What the sync wrote, with the resourceVersion the server gave it. */
  after?: ConfigObject;
  outcome: 'pending' | 'written' | 'failed';
  /** Keys the sync changed. */
  keys: string[];
  error?: string;
}

export interface BackupRecord {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'SyncBackup';
  runId: string;
  createdAt: string;
  source: Location;
  target: Location;
  entries: BackupEntry[];
  undoneAt?: string;
}

/**
 * One file per sync run, holding the target objects as they were and what was
 * written. The files hold Secret values, so the directory is 0700 and every
 * file 0600, and nothing here is ever printed.
 */
export class BackupStore {
  constructor(readonly dir: string) {}

  /** $XDG_STATE_HOME/kubectl-configsync/runs, or ~/.local/state/kubectl-configsync/runs. */
  static default(env: NodeJS.ProcessEnv = process.env): BackupStore {
    const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
    return new BackupStore(join(base, 'kubectl-configsync', 'runs'));
  }

  /** Sortable by time, short enough to type. */
  static newRunId(now: Date): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '').replace('T', '-');
    return `${stamp}-${randomBytes(3).toString('hex')}`;
  }

  pathOf(runId: string): string {
    if (!/^[0-9A-Za-z-]+$/.test(runId)) throw new UsageError(`invalid run id "${runId}"`);
    return join(this.dir, `${runId}.json`);
  }

  /** Writes the record atomically (temp file, then rename), creating the directory with mode 0700. */
  save(record: BackupRecord): string {
    mkdirSync(this.dir, {recursive: true, mode: 0o700});
    chmodSync(this.dir, 0o700);
    const parent = join(this.dir, '..');
    if (existsSync(parent)) chmodSync(parent, 0o700);
    const path = this.pathOf(record.runId);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`, {mode: 0o600});
    chmodSync(temp, 0o600);
    renameSync(temp, path);
    return path;
  }

  load(runId: string): BackupRecord {
    const path = this.pathOf(runId);
    if (!existsSync(path)) throw new UsageError(`no sync run "${runId}" in ${this.dir} (see undo --list)`);
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as BackupRecord;
    } catch (error) {
      throw new UsageError(`backup ${path} cannot be read: ${describeParseError(error)}`);
    }
  }

  /** Run ids, newest first. */
  runIds(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort()
      .reverse();
  }

  list(limit = 20): BackupRecord[] {
    return this.runIds()
      .slice(0, limit)
      .flatMap((id) => {
        try {
          return [this.load(id)];
        } catch {
          return [];
        }
      });
  }

  /** The most recent run that wrote something and was not undone. */
  latestUndoable(): BackupRecord | undefined {
    return this.list(Number.POSITIVE_INFINITY).find((r) => !r.undoneAt && r.entries.some((e) => e.outcome === 'written'));
  }

  modeOf(runId: string): number {
    return statSync(this.pathOf(runId)).mode & 0o777;
  }
}
