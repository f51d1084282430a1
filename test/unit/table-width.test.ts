import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {displayWidth} from '../../src/ui/columns.js';
import {HIDE_IDENTICAL_KEYS_ABOVE, renderDiffReport} from '../../src/ui/render-diff.js';
import {createTheme} from '../../src/ui/theme.js';
import {outputWidth} from '../../src/ui/width.js';

const source: Location = {context: 'alpha', namespace: 'staging', label: 'alpha/staging'};
const target: Location = {context: 'beta', namespace: 'prod', label: 'beta/prod'};
const cm = (namespace: string, data: Record<string, string>): ConfigObject => ({
  kind: 'ConfigMap',
  name: 'app',
  namespace,
  labels: {},
  annotations: {},
  data,
  binaryData: {},
});
const report = (a: Record<string, string>, b: Record<string, string>) =>
  diffLocations(source, target, [cm('staging', a)], [cm('prod', b)], {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});

const url = (version: string) => `https://payments.example.internal/api/${'segment/'.repeat(8)}${version}/charge`;
const wide = report(
  {PAYMENTS_URL: url('v2'), LOG_LEVEL: 'debug', DESCRIPTION: 'x'.repeat(150)},
  {PAYMENTS_URL: url('v1'), LOG_LEVEL: 'info', DESCRIPTION: 'x'.repeat(150)},
);
const plain = createTheme(false);
const render = (width: number, extra = {}) =>
  renderDiffReport(wide, plain, {context: 3, hideIdentical: false, quiet: false, width, ...extra});
const tableLines = (text: string) => text.split('\n').filter((l) => /^ {2}[ +~-] /.test(l) || l.startsWith('    KEY'));

describe('tables fit the terminal', () => {
  for (const columns of [80, 200]) {
    it(`keeps every table row within ${columns} columns and shows where values differ`, () => {
      const text = render(columns);
      const rows = tableLines(text);
      expect(rows.length).toBeGreaterThan(3);
      for (const row of rows) expect(displayWidth(row), row).toBeLessThanOrEqual(columns);
      const payments = rows.find((r) => r.includes('PAYMENTS_URL'))!;
      // Cut with a visible marker, and never before the first difference: v1 now, v2 after.
      expect(payments).toContain('…');
      expect(payments).toMatch(/v1.*v2/);
    });
  }

  it('prints values whole with --full-values or -o wide', () => {
    for (const text of [render(80, {fullValues: true}), render(Number.POSITIVE_INFINITY)]) {
      expect(text).toContain(url('v1'));
      expect(text).toContain(url('v2'));
    }
  });

  it('takes the width from the terminal, else COLUMNS, else 80; unlimited with -o wide', () => {
    expect(outputWidth({stream: {isTTY: true, columns: 132}, env: {COLUMNS: '90'}})).toBe(132);
    expect(outputWidth({stream: {isTTY: false, columns: 0}, env: {COLUMNS: '90'}})).toBe(90);
    expect(outputWidth({stream: {isTTY: false, columns: 0}, env: {}})).toBe(80);
    expect(outputWidth({wide: true})).toBe(Number.POSITIVE_INFINITY);
  });

  it('hides identical keys above the threshold with a note, and on request', () => {
    const same = Object.fromEntries(Array.from({length: HIDE_IDENTICAL_KEYS_ABOVE + 1}, (_, i) => [`KEY_${i}`, 'v']));
    const big = report({...same, CHANGED: 'new'}, {...same, CHANGED: 'old'});
    const text = renderDiffReport(big, plain, {context: 3, hideIdentical: false, quiet: false, width: 80});
    expect(text).toContain('~ CHANGED');
    expect(text).not.toContain('KEY_0 ');
    expect(text).toContain(`(${HIDE_IDENTICAL_KEYS_ABOVE + 1} identical keys hidden; --no-hide-identical-keys lists them)`);
    const all = renderDiffReport(big, plain, {context: 3, hideIdentical: false, quiet: false, width: 80, hideIdenticalKeys: false});
    expect(all).toContain('KEY_0 ');
    const small = renderDiffReport(wide, plain, {context: 3, hideIdentical: false, quiet: false, width: 80, hideIdenticalKeys: true});
    expect(small).not.toContain('DESCRIPTION');
    expect(small).toContain('(1 identical key hidden');
  });
});
