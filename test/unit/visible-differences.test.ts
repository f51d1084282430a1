import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {renderDiffReport, valueCells} from '../../src/ui/render-diff.js';
import {markInvisible, showValue} from '../../src/ui/table.js';
import {createTheme} from '../../src/ui/theme.js';
import {BYTE_CORPUS, LOOKALIKE_VALUES, LOOKALIKES} from '../support/byte-corpus.js';

const loc = (namespace: string): Location => ({context: 'alpha', namespace, label: namespace});
const cm = (namespace: string, data: Record<string, string>): ConfigObject => ({
  kind: 'ConfigMap',
  name: 'app',
  namespace,
  labels: {},
  annotations: {},
  data,
  binaryData: {},
});
const report = (a: string, b: string) =>
  diffLocations(loc('x'), loc('y'), [cm('x', {v: a})], [cm('y', {v: b})], {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});

describe('visible differences', () => {
  it('marks what does not show', () => {
    expect(showValue('\ufeffhello')).toBe('⟨BOM⟩hello');
    expect(showValue('value   ')).toBe('value···');
    expect(showValue('a=1\r\nb=2\r\n')).toBe('a=1␍↵b=2␍↵');
    expect(showValue('a\rb')).toBe('a␍b');
    expect(showValue('ab\u200bc')).toBe('ab\\u200bc');
    expect(showValue('a\u0000b')).toBe('a\\x00b');
    expect(showValue('')).toBe('""');
    expect(markInvisible('x  \ny')).toBe('x··\ny');
  });

  it('never prints two different values alike in the table, for every look-alike pair and every pair of the corpus', () => {
    const texts = [...Object.values(LOOKALIKE_VALUES), ...BYTE_CORPUS.filter((c) => c.text).map((c) => c.bytes)].map((b) =>
      b.toString('utf8'),
    );
    let pairs = 0;
    for (const a of texts) {
      for (const b of texts) {
        if (a === b) continue;
        const key = report(a, b).objects[0].keys[0];
        const [source, target] = valueCells(key);
        // Looking alike: equal once Unicode normalisation is applied, as a terminal renders them.
        expect(source.normalize('NFKC'), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).not.toBe(target.normalize('NFKC'));
        pairs++;
      }
    }
    expect(pairs).toBeGreaterThan(LOOKALIKES.length);
  });

  it('escapes NFC against NFD, which no marker tells apart', () => {
    const text = renderDiffReport(report('caf\u00e9', 'cafe\u0301'), createTheme(false), {context: 3, hideIdentical: false, quiet: false});
    expect(text).toContain('caf\\u00e9');
    expect(text).toContain('cafe\\u0301');
  });

  it('marks CR in the line diff of multi-line values', () => {
    const text = renderDiffReport(report('a=1\r\nb=2\r\n', 'a=1\nb=2\n'), createTheme(false), {
      context: 3,
      hideIdentical: false,
      quiet: false,
    });
    // Target now (LF) → after sync (the source's CRLF).
    expect(text).toMatch(/^ {2}-a=1$/m);
    expect(text).toMatch(/^ {2}\+a=1␍$/m);
  });
});
