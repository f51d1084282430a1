import {MAX_TIMER_MS} from '../core/duration.js';

export interface LongTimeout {
  clear(): void;
}

/**
 * setTimeout for any length: Node fires a timer of more than 2^31-1 ms at once (with a
 * TimeoutOverflowWarning), so a longer wait is a chain of timers, each at most that long,
 * measured against one monotonic deadline.
 */
export function setLongTimeout(callback: () => void, ms: number, now: () => number = () => performance.now()): LongTimeout {
  const deadline = now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    timer = setTimeout(
      () => {
        const rest = deadline - now();
        if (rest > 0) arm(rest);
        else callback();
      },
      Math.min(Math.max(left, 0), MAX_TIMER_MS),
    );
  };
  arm(ms);
  return {clear: () => clearTimeout(timer)};
}
