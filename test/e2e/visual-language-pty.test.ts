// The whole interactive loop on a pseudo-terminal with colour on: diff → pick objects → pick
// keys → review → confirm → result. Reads the ANSI colours off the screen and checks that
// every stage says one thing one way: a change reads "target now → after", added is green,
// removed and changed are red, unchanged is dim, warnings yellow.
import {missingTool} from '../support/requirements.js';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectl, uniqueName} from './support.js';
import {KEY, hasScript, plain, runOnTerminal} from './terminal.js';

const stateHome = mkdtempSync(join(tmpdir(), 'configsync-pty-colour-'));
// The loop runs where a rules file names a key no object has: its warning is part of the loop.
const workDir = mkdtempSync(join(tmpdir(), 'configsync-pty-rules-'));
writeFileSync(join(workDir, '.configsync.yaml'), 'ignore:\n  keys:\n    - NO_SUCH_KEY\n');

const SGR = /\x1b\[([0-9;]*)m/g;
const COLOUR_NAMES: Record<string, string> = {'31': 'red', '32': 'green', '33': 'yellow', '2': 'dim', '36': 'cyan'};

/** The colours in force where `text` starts, on every line of the raw screen that holds it. */
function coloursAt(raw: string, text: string): string[][] {
  const found: string[][] = [];
  for (const line of raw.split(/\r?\n|\r/)) {
    const index = line.indexOf(text);
    if (index < 0) continue;
    const active = new Set<string>();
    for (const match of line.slice(0, index).matchAll(SGR)) {
      for (const code of (match[1] || '0').split(';')) {
        if (code === '0') active.clear();
        else if (code === '39') ['31', '32', '33', '36'].forEach((c) => active.delete(c));
        else if (code === '22') active.delete('2');
        else if (COLOUR_NAMES[code]) active.add(code);
      }
    }
    found.push([...active].map((c) => COLOUR_NAMES[c]).sort());
  }
  return found;
}

/** The stage of the screen between two markers. */
function between(raw: string, from: RegExp, to: RegExp): string {
  const start = raw.search(from);
  expect(start, `${from} not on the screen`).toBeGreaterThanOrEqual(0);
  const rest = raw.slice(start);
  const end = rest.slice(1).search(to);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

describe.skipIf(missingTool(hasScript, 'script (util-linux), which gives the CLI a pseudo-terminal'))(
  'one visual language across diff, picker, review and result (pseudo-terminal, colour on)',
  () => {
    const staging = uniqueName('pty-staging');
    const prod = uniqueName('pty-prod');
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      cleanup = await createNamespaces('alpha', staging, prod);
      await apply('alpha', configMap(staging, 'app', {LOG_LEVEL: 'debug', FEATURE_NEW_CART: 'true', TZ: 'UTC'}));
      await apply('alpha', configMap(prod, 'app', {LOG_LEVEL: 'info', OLD_KEY: 'gone', TZ: 'UTC'}));
      await apply('alpha', configMap(staging, 'scale', {replicas: '3'}));
      await apply('alpha', configMap(prod, 'scale', {replicas: '2'}));
      await apply('alpha', configMap(staging, 'same', {K: 'v'}));
      await apply('alpha', configMap(prod, 'same', {K: 'v'}));
    });
    afterAll(async () => cleanup?.());

    it('reads target now → after, added green, removed and changed red, unchanged dim, warnings yellow, in every stage', async () => {
      const {code, raw, screen, wrapped} = await runOnTerminal(
        ['sync', `alpha/${staging}`, `alpha/${prod}`, 'app', 'scale', 'same', '--prune'],
        [
          {waitFor: /Objects to sync/, keys: [KEY.space, KEY.down, KEY.space, KEY.enter]},
          {waitFor: /Keys of configmap\/app to write[\s\S]*OLD_KEY/, keys: [KEY.space, KEY.enter]},
          {waitFor: /Keys of configmap\/scale to write[\s\S]*replicas/, keys: [KEY.space, KEY.enter]},
          {waitFor: /Write 2 objects to alpha\/[^?]+\?/, keys: ['y', KEY.enter]},
        ],
        {XDG_STATE_HOME: stateHome, NO_COLOR: ''},
        120,
        workDir,
      );
      expect(code, screen).toBe(0);
      // Every stage fits the terminal: it had to wrap no line.
      expect(wrapped).toEqual([]);

      // Warnings are yellow, and only warnings: they are not changes.
      expect(coloursAt(raw, 'warning: rules file')).toEqual([['yellow']]);
      // A warning continues under its text, in yellow too; nothing else is yellow.
      expect(screen.replace(/\n {9}/g, ' ')).toContain('ignore.keys "NO_SUCH_KEY" matched nothing in this run');
      const yellow = raw
        .split(/\r?\n/)
        .filter((line) => line.includes('\x1b[33m'))
        .map((line) => plain(line));
      expect(yellow[0]).toMatch(/^warning: rules file /);
      expect(yellow.slice(1).every((line) => line.startsWith(' '.repeat('warning: '.length)))).toBe(true);

      // The diff: the source is named in the header; each row is target now, then after the sync.
      const diff = between(raw, /ConfigMaps: alpha\//, /Objects to sync/);
      expect(diff).toContain(`alpha/${staging} → alpha/${prod}`);
      expect(coloursAt(diff, 'missing in target')).toContainEqual(['green']);
      expect(coloursAt(diff, 'missing in source')).toContainEqual(['red']);
      expect(coloursAt(diff, 'different')).toContainEqual(['red']);
      expect(coloursAt(diff, 'identical')).toContainEqual(['dim']);
      expect(screen).toMatch(/^ {4}TZ +identical +UTC +UTC$/m);
      expect(screen).toMatch(/~ LOG_LEVEL +different +info +debug/);
      expect(screen).toMatch(/\+ FEATURE_NEW_CART +missing in target +- +true/);
      expect(screen).toMatch(/- OLD_KEY +missing in source +gone +-/);

      // The key picker: the same words and colours, the same direction.
      const picker = between(raw, /Keys of configmap\/app to write/, /Keys of configmap\/scale/);
      expect(picker).toContain('target now → after sync');
      expect(coloursAt(picker, 'missing in target')).toContainEqual(['green']);
      expect(coloursAt(picker, 'missing in source')).toContainEqual(['red']);
      expect(coloursAt(picker, 'different')).toContainEqual(['red']);
      expect(screen).toMatch(/~ LOG_LEVEL +different +info → debug/);
      expect(screen).toMatch(/- OLD_KEY +missing in source +gone/);
      expect(screen).not.toMatch(/only in target|debug → info/);

      // The review: symbols and colours by kind, changes now → after.
      const review = between(raw, /Sync plan: /, /Write 2 objects/);
      expect(coloursAt(review, '~ LOG_LEVEL: info → debug')).toEqual([['red']]);
      expect(coloursAt(review, '+ FEATURE_NEW_CART: true')).toEqual([['green']]);
      expect(coloursAt(review, '- OLD_KEY: gone')).toEqual([['red']]);
      expect(coloursAt(review, '~ replicas: 2 → 3')).toEqual([['red']]);
      expect(coloursAt(review, '~ update')).toContainEqual(['red']);
      expect(review).not.toMatch(/replicas: 3 → 2/);

      // The result: what was written, with nothing painted as a change that is not one.
      const result = raw.slice(raw.search(/Write 2 objects/));
      const row = /configmap\/app +update +written +(.+)$/m.exec(screen)?.[1] ?? '';
      expect(row.split(' ').sort()).toEqual(['+FEATURE_NEW_CART', '-OLD_KEY', '~LOG_LEVEL']);
      expect(screen).toMatch(/configmap\/scale +update +written +~replicas$/m);
      expect(coloursAt(result, 'written')).toContainEqual([]);
      expect(JSON.parse(await kubectl(['--context', 'alpha', '-n', prod, 'get', 'configmap', 'app', '-o', 'json'])).data).toEqual({
        LOG_LEVEL: 'debug',
        FEATURE_NEW_CART: 'true',
        TZ: 'UTC',
      });
    });
  },
);
