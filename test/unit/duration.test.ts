import {describe, expect, it} from 'vitest';
import {
  MAX_KUBECTL_DURATION_MS,
  MAX_TIMER_MS,
  parseKubectlDuration,
  parseRequestTimeout,
  parseTimerDuration,
} from '../../src/core/duration.js';

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

  it('--request-timeout takes any length kubectl takes (timers are chained), and refuses what kubectl refuses', () => {
    expect(parseRequestTimeout('1000h')).toBe(3_600_000_000);
    expect(parseRequestTimeout('2562047h')).toBeLessThanOrEqual(MAX_KUBECTL_DURATION_MS);
    expect(() => parseRequestTimeout('2562048h')).toThrow(/invalid duration "2562048h": longer than kubectl accepts/);
    for (const text of ['-1s', 'soon', '']) expect(() => parseRequestTimeout(text)).toThrow(/invalid duration/);
  });
});
