// Cutting never makes two different things print alike: keys, object names, namespaces and
// values cut to fit the terminal are told apart where they differ, and wide characters (CJK,
// emoji) are counted in columns and never cut in half.
import {describe, expect, it} from 'vitest';
import {diffFleet} from '../../src/core/fleet.js';
import {diffLocations} from '../../src/core/diff.js';
import {displayWidth} from '../../src/ui/columns.js';
import {keyChoiceNames, objectChoiceNames} from '../../src/ui/prompts.js';
import {renderDiffReport} from '../../src/ui/render-diff.js';
import {renderFanoutStatus} from '../../src/ui/render-fanout.js';
import {renderFleetReport} from '../../src/ui/render-fleet.js';
import {cutDistinct, renderTable, shorten, shortenMiddle} from '../../src/ui/table.js';
import {createTheme} from '../../src/ui/theme.js';
import {cm, loc, useFixtureSalt} from './diff-fixtures.js';

useFixtureSalt();
const plain = createTheme(false);
const colour = createTheme(true);

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Texts that share long starts, ends or both, and differ in one place. */
function lookalikes(next: () => number, count: number): string[] {
  const alphabet = ['a', 'b', '-', '.', '/', 'é', '界', '😀'];
  const pick = () => alphabet[Math.floor(next() * alphabet.length)];
  const common = (n: number) => Array.from({length: n}, pick).join('');
  const [head, tail] = [common(Math.floor(next() * 60)), common(Math.floor(next() * 60))];
  return Array.from({length: count}, () => `${head}${common(1 + Math.floor(next() * 3))}${tail}`);
}

describe('cut to fit, never alike', () => {
  it('cutDistinct: 600 generated sets, each text within the width, different texts different', () => {
    const next = random(17);
    for (let round = 0; round < 600; round++) {
      const texts = lookalikes(next, 2 + Math.floor(next() * 4));
      const width = 6 + Math.floor(next() * 40);
      for (const cut of [shortenMiddle, (t: string, w: number) => shorten(t, w)]) {
        const shown = cutDistinct(texts, width, cut);
        for (const [i, text] of shown.entries()) {
          expect(displayWidth(text), text).toBeLessThanOrEqual(width);
          expect(text).not.toContain('\ufffd');
          for (const [j, other] of shown.entries())
            if (texts[i] !== texts[j]) expect(text, `${texts[i]} / ${texts[j]} at ${width}`).not.toBe(other);
        }
      }
    }
  });

  it('wide characters count two columns and are never cut in half', () => {
    const text = '設定値😀😀😁が違う'.repeat(5);
    for (const width of [5, 10, 17, 40]) {
      for (const cut of [shorten(text, width), shortenMiddle(text, width)]) {
        expect(displayWidth(cut), cut).toBeLessThanOrEqual(width);
        expect(cut).not.toMatch(/\ufffd|[\ud800-\udbff](?![\udc00-\udfff])/);
      }
    }
  });

  const middleKeys = (mark: string) => `k${'x'.repeat(120)}${mark}${'x'.repeat(120)}`;

  it('diff: two keys that differ only in the middle print differently at every width', () => {
    const staging = loc('alpha', 'staging');
    const prod = loc('alpha', 'prod');
    const report = diffLocations(
      staging,
      prod,
      [cm('staging', 'tricky', {[middleKeys('M')]: '1'})],
      [cm('prod', 'tricky', {[middleKeys('N')]: '1'})],
      {kinds: ['ConfigMap'], showSecrets: false, salt: 's'},
    );
    for (const width of [80, 120, 200]) {
      const text = renderDiffReport(report, plain, {context: 3, hideIdentical: false, quiet: false, width});
      const rows = text.split('\n').filter((line) => /^ {2}[+-] /.test(line));
      expect(rows, text).toHaveLength(2);
      expect(rows[0].split(/ {3,}/)[0].trim().slice(2)).not.toBe(rows[1].split(/ {3,}/)[0].trim().slice(2));
      expect(text.split('\n').filter((line) => displayWidth(line) > width)).toEqual([]);
    }
  });

  it('pickers: keys and objects that differ only in the middle print differently', () => {
    const keys = ['M', 'N'].map((mark) => ({key: middleKeys(mark), status: 'missing-in-target' as const, source: {value: '1', size: 1}}));
    const names = keyChoiceNames(keys, 80);
    expect(names[0]).not.toBe(names[1]);
    const objects = ['M', 'N'].map(
      (mark) =>
        ({kind: 'ConfigMap', name: `app-${'x'.repeat(100)}${mark}${'x'.repeat(100)}`, status: 'missing-in-target', keys: []}) as never,
    );
    const objectNames = objectChoiceNames(objects, false, 80);
    expect(objectNames[0]).not.toBe(objectNames[1]);
  });

  it('tables: namespaces with a long common start print differently (fanout status, any table)', () => {
    const namespaces = ['eu-west-1', 'us-east-1'].map((region) => `payments-production-target-namespace-long-name-${region}`);
    const status = {
      source: {context: 'alpha', namespace: 'platform', kind: 'ConfigMap', name: 'ca-bundle', exists: true},
      copies: namespaces.map((namespace) => ({context: 'alpha', namespace, state: 'in-sync'})),
      summary: {'in-sync': 2, stale: 0, edited: 0, orphaned: 0, missing: 0},
    } as never;
    const text = renderFanoutStatus(status, plain, [], 40);
    const rows = text.split('\n').filter((line) => line.startsWith('alpha '));
    expect(rows).toHaveLength(2);
    expect(rows[0]).not.toBe(rows[1]);
    const table = renderTable(
      ['NAME'],
      namespaces.map((n) => [n]),
      {width: 20},
    );
    const [first, second] = table.split('\n').slice(1);
    expect(first).not.toBe(second);
  });

  it('fleet: values that read alike are escaped, and a cut value shows where it differs', () => {
    const locations = [loc('alpha', 'a'), loc('alpha', 'b'), loc('beta', 'c')];
    const json = (replicas: number) => JSON.stringify({shards: 3, analyzer: {stemming: true, language: 'english'.repeat(8)}, replicas});
    const objects = [
      [cm('a', 'app', {SPACE: 'a b', CONFIG: json(2)})],
      [cm('b', 'app', {SPACE: 'a\u00a0b', CONFIG: json(3)})],
      [cm('c', 'app', {SPACE: 'a b', CONFIG: json(2)})],
    ];
    const report = diffFleet(locations, objects, {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});
    const text = renderFleetReport(report, plain, {hideIdentical: false, quiet: false, width: 80});
    const space = text.slice(text.indexOf('configmap/app SPACE'));
    expect(space).toMatch(/^ {4}A {2}a b$/m);
    expect(space).toMatch(/^ {4}B {2}a\\u00a0b$/m);
    const config = text.slice(text.indexOf('configmap/app CONFIG'), text.indexOf('configmap/app SPACE'));
    expect(config).toMatch(/"replicas":2/);
    expect(config).toMatch(/"replicas":3/);
    expect(text.split('\n').filter((line) => displayWidth(line) > 80)).toEqual([]);
  });

  it('fleet matrix: with a baseline, "-" is green where a sync from it would add, plain where the baseline has none', () => {
    const locations = [loc('alpha', 'a'), loc('alpha', 'b'), loc('beta', 'c')];
    const objects = [[cm('a', 'only-a', {K: '1'})], [cm('b', 'only-b', {K: '1'})], []];
    const report = diffFleet(locations, objects, {kinds: ['ConfigMap'], showSecrets: false, salt: 's', baseline: 1});
    const text = renderFleetReport(report, colour, {hideIdentical: false, quiet: false, width: 80});
    const GREEN = '\u001b[32m-';
    const RED = '\u001b[31m-';
    const onlyA = text.split('\n').find((line) => line.includes('configmap/only-a'))!;
    const onlyB = text.split('\n').find((line) => line.includes('configmap/only-b'))!;
    // only-a: the baseline (2) has none; a sync from it adds nothing: no coloured "-".
    expect(onlyA).not.toContain(GREEN);
    expect(onlyA).not.toContain(RED);
    // only-b: the baseline has it; 1 and 3 lack it: a sync would add it there.
    expect(onlyB.split(GREEN).length - 1).toBe(2);
    expect(onlyB).not.toContain(RED);
  });
});
