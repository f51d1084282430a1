// A dry run persists nothing (#17): the run store is the tool's only local state, and a store
// opened for a dry run creates, appends to and deletes nothing, whatever the command asks of it.
import {createHash} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, statSync, utimesSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {pruneRuns} from '../../src/actions/undo/undo-action.js';
import {JournalError, prepareRunStore, RunStore} from '../../src/kube/run-store.js';

beforeAll(() => prepareRunStore());

const src = join(import.meta.dirname, '..', '..', 'src');

/** Every file and directory under `dir` with its mode, size and content hash: equal snapshots mean nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    const stat = statSync(path);
    const name = relative(dir, path) || '.';
    if (stat.isDirectory()) {
      out[name] = `dir ${(stat.mode & 0o777).toString(8)}`;
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else
      out[name] =
        `file ${(stat.mode & 0o777).toString(8)} ${stat.size} ${createHash('sha256').update(readFileSync(path)).digest('hex')} ${stat.mtimeMs}`;
  };
  walk(dir);
  return out;
}

/** A store with two old runs (one undoable, one undone) and a new one. */
function seededStore(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'configsync-dry-')), 'runs');
  const store = new RunStore(dir, 'none');
  for (const [runId, createdAt] of [
    ['20200101-000000-aaaaaa', '2020-01-01T00:00:00.000Z'],
    ['20200102-000000-bbbbbb', '2020-01-02T00:00:00.000Z'],
    ['29990101-000000-cccccc', new Date().toISOString()],
  ]) {
    const journal = store.create({runId, createdAt, command: 'sync'});
    if (runId.endsWith('bbbbbb')) journal.markUndone();
    journal.close();
    utimesSync(join(dir, `${runId}.jsonl`), new Date(0), new Date(0));
  }
  return dir;
}

describe('a dry run persists nothing', () => {
  for (const dryRun of ['client', 'server'] as const) {
    it(`a --dry-run=${dryRun} store refuses to create, append to or delete a journal, and lists what a prune would remove`, async () => {
      const dir = seededStore();
      const before = snapshot(dir);
      const store = new RunStore(dir, dryRun);
      expect(() => store.create({runId: 'r', createdAt: new Date().toISOString(), command: 'sync'})).toThrow(JournalError);
      const [old] = store.list().records.slice(-1);
      expect(() => store.reopen(old)).toThrow(/dry run .*persists nothing/);
      const pruned = await pruneRuns(store, 86_400_000, new Date());
      expect(pruned.deleted).toBe(false);
      expect(pruned.files.map((f) => relative(dir, f))).toEqual(['20200101-000000-aaaaaa.jsonl', '20200102-000000-bbbbbb.jsonl']);
      expect(snapshot(dir)).toEqual(before);
    });

    it(`a --dry-run=${dryRun} store creates no directory`, () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'configsync-dry-')), 'state', 'runs');
      const store = RunStore.default(dryRun, {XDG_STATE_HOME: join(dir, '..', '..')});
      expect(() => store.create({runId: 'r', createdAt: new Date().toISOString(), command: 'fanout'})).toThrow(JournalError);
      expect(readdirSync(join(dir, '..', '..'))).toEqual([]);
    });
  }

  it('a real prune deletes exactly the files it lists', async () => {
    const dir = seededStore();
    const pruned = await pruneRuns(new RunStore(dir, 'none'), 86_400_000, new Date());
    expect(pruned.deleted).toBe(true);
    expect(readdirSync(dir)).toEqual(['29990101-000000-cccccc.jsonl']);
  });

  it('the run store is the only code in src/ that changes files, and journals open only through it', () => {
    const MUTATES_FILES =
      /\b(writeFileSync|appendFileSync|unlinkSync|rmSync|rmdirSync|renameSync|mkdirSync|chmodSync|ftruncateSync|writeSync|copyFileSync|symlinkSync|createWriteStream|writeFile|appendFile|unlink|rm|mkdir|rename)\b/;
    const OPENS_JOURNAL = /RunJournal\.(create|reopen)\(/;
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
      });
    for (const file of walk(src)) {
      const name = relative(src, file);
      if (name === join('kube', 'run-store.ts')) continue;
      const text = readFileSync(file, 'utf8');
      const fsImports = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'node:fs(?:\/promises)?'/g)].map((m) => m[1]).join(',');
      if (MUTATES_FILES.test(fsImports)) offenders.push(`${name}: imports ${fsImports.trim()}`);
      if (/from\s*'node:fs(\/promises)?'/.test(text) && /import\s*\*\s*as/.test(text.match(/import[^;]*'node:fs[^']*'/)?.[0] ?? ''))
        offenders.push(`${name}: imports all of node:fs`);
      if (OPENS_JOURNAL.test(text)) offenders.push(`${name}: opens a journal without the store`);
    }
    expect(offenders).toEqual([]);
  });
});
