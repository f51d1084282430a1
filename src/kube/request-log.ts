// kubectl's -v=6 request log: one line per API request on stderr, in klog's format
// (`I1201 22:41:48.895846   13909 round_trippers.go:560] GET URL 200 OK in 5 milliseconds`).
// Only method, URL, status and time: never headers (credentials) or bodies (Secret data).

/** Verbosity from which every request is logged, as in kubectl. */
export const REQUEST_LOG_LEVEL = 6;

/** Receives each line, and the method and status (undefined: no response) for those who count requests. */
export type RequestLogSink = (line: string, request?: {method: string; status?: number}) => void;

/** One klog-style line, as kubectl prints at -v=6. */
export function renderRequestLine(at: Date, method: string, url: string, outcome: string, elapsedMs: number, pid = process.pid): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const stamp = `I${pad(at.getMonth() + 1)}${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}000`;
  return `${stamp} ${String(pid).padStart(7)} request-log] ${method} ${url} ${outcome} in ${Math.round(elapsedMs)} milliseconds`;
}
