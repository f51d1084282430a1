import {describe, expect, it} from 'vitest';
import {LINE_DIFF_LIMITS, renderLineDiff} from '../../src/ui/render-diff.js';
import {createTheme} from '../../src/ui/theme.js';

const plain = createTheme(false);
const lines = (n: number, tag: string) => Array.from({length: n}, (_, i) => `${tag}-${i}-${'x'.repeat(20)}`).join('\n');

describe('bounded line diff', () => {
  it('two completely different 5,000-line values finish well under a second, with a summary that says the diff was left out', () => {
    const started = performance.now();
    const text = renderLineDiff('big.txt', lines(5000, 'a'), lines(5000, 'b'), plain, 3);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(text).toContain('(line diff left out: 5000 and 5000 lines, first difference at line 1;');
    expect(text).toContain(`more than ${LINE_DIFF_LIMITS.maxEditLength} lines differ`);
  });

  it('still shows the hunks of values that differ in a few lines', () => {
    const a = lines(5000, 'a');
    const b = a.replace('a-2500-', 'changed-2500-');
    const text = renderLineDiff('big.txt', a, b, plain, 1);
    expect(text).toContain('@@ -2500,3 +2500,3 @@');
    expect(text).toMatch(/^ {2}\+changed-2500-/m);
  });
});
