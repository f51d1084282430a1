import {afterEach, describe, expect, it, vi} from 'vitest';
import {MAX_TIMER_MS} from '../../src/core/duration.js';
import {setLongTimeout} from '../../src/kube/long-timeout.js';

describe('setLongTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits past the longest single timer (2^31-1 ms) without firing early or warning', () => {
    vi.useFakeTimers();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    let clock = 0;
    const fired = vi.fn();
    const ms = 1000 * 3_600_000; // 1000h
    setLongTimeout(fired, ms, () => clock);
    const advance = (by: number) => {
      clock += by;
      vi.advanceTimersByTime(by);
    };
    advance(MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
    advance(ms - MAX_TIMER_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    advance(1);
    expect(fired).toHaveBeenCalledTimes(1);
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });

  it('fires on time for short waits, and never once cleared', () => {
    vi.useFakeTimers();
    let clock = 0;
    const fired = vi.fn();
    const cleared = vi.fn();
    setLongTimeout(fired, 1000, () => clock);
    setLongTimeout(cleared, 1000, () => clock).clear();
    clock = 1000;
    vi.advanceTimersByTime(1000);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(cleared).not.toHaveBeenCalled();
  });
});
