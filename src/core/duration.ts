/** The longest wait Node's timers honour (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const UNIT_MS: Record<string, number> = {ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000};

/**
 * A duration as kubectl reads --request-timeout: a bare integer is seconds, anything else is
 * Go's syntax (one or more number-unit pairs: 1h30m, 1.5s, 300ms, 2m3s). Milliseconds, rounded up
 * so that a tiny non-zero duration never becomes "no timeout".
 */
export function parseKubectlDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    part.lastIndex = index;
    const match = part.exec(trimmed);
    if (!match) throw new Error(`invalid duration "${text}": use a number of seconds or e.g. 500ms, 10s, 2m, 1h30m`);
    total += Number(match[1]) * UNIT_MS[match[2]];
    index = part.lastIndex;
  }
  if (trimmed.length === 0) throw new Error('invalid duration "": use a number of seconds or e.g. 500ms, 10s, 2m, 1h30m');
  return Math.ceil(total);
}

/** The longest duration kubectl accepts: Go's time.Duration is int64 nanoseconds (about 2562047h). */
export const MAX_KUBECTL_DURATION_MS = Math.floor(Number(2n ** 63n - 1n) / 1e6);

/**
 * --request-timeout as kubectl reads it: refused (like kubectl) when it is not a duration or
 * overflows Go's duration; any other length is honoured (timers are chained past Node's limit).
 */
export function parseRequestTimeout(text: string): number {
  const ms = parseKubectlDuration(text);
  if (ms > MAX_KUBECTL_DURATION_MS) throw new Error(`invalid duration "${text}": longer than kubectl accepts (2562047h)`);
  return ms;
}

/** A duration that a single timer must honour: refused when Node would fire it at once instead. */
export function parseTimerDuration(text: string): number {
  const ms = parseKubectlDuration(text);
  if (ms > MAX_TIMER_MS)
    throw new Error(`"${text}" is longer than the longest wait this program can honour (596h31m23s); use 0 for no timeout`);
  return ms;
}
