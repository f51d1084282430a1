import {describe, expect, it} from 'vitest';
import {MAX_TIMER_MS, parseKubectlDuration, parseTimerDuration} from '../../src/core/duration.js';

describe('kubectl durations', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['5', 5000],
    ['1s', 1000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2m3s', 123_000],
    ['1us', 1],
    [' 10s ', 10_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseKubectlDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '5x', '-1s', '1h-30m', 's', '10 s', '1d'])('refuses %j', (text) => {
    expect(() => parseKubectlDuration(text)).toThrow(/invalid duration/);
  });

  it('refuses timer durations Node cannot honour, and accepts the longest it can', () => {
    expect(() => parseTimerDuration('1000h')).toThrow(/longer than the longest wait/);
    expect(() => parseTimerDuration('600h')).toThrow(/longer than the longest wait/);
    expect(parseTimerDuration(`${MAX_TIMER_MS}ms`)).toBe(MAX_TIMER_MS);
    expect(parseTimerDuration('596h31m23s')).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(() => parseTimerDuration(`${MAX_TIMER_MS + 1}ms`)).toThrow();
  });
});
