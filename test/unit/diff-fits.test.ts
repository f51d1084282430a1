// The diff table fits the terminal: at 80 columns and wider no line is wider, for keys, statuses and
// values of any length (cut with a visible marker), and two different values never read alike.
import {describe, expect, it} from 'vitest';
import {renderDiffReport} from '../../src/ui/render-diff.js';
import {createTheme} from '../../src/ui/theme.js';
import {displayWidth} from '../../src/ui/columns.js';
import {twoWayReport as report, useFixtureSalt} from './diff-fixtures.js';

useFixtureSalt();

describe('diff table width', () => {
  it.each([80, 100, 120, 200])('no line of the table is wider than %i columns', (width) => {
    const text = renderDiffReport(report(), createTheme(false), {context: 3, hideIdentical: false, quiet: false, width});
    const tooWide = text.split('\n').filter((line) => displayWidth(line) > width);
    expect(tooWide).toEqual([]);
  });

  it('never prints two different values alike, however narrow the cells (binary digests and masked Secrets too)', () => {
    const text = renderDiffReport(report(), createTheme(false), {context: 3, hideIdentical: false, quiet: false, width: 80});
    const rows = text.split('\n').filter((line) => /^ {2}~ /.test(line) && /different/.test(line));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const cells = row.trim().split(/ {3,}/);
      expect(cells.at(-2), row).not.toBe(cells.at(-1));
    }
  });
});
