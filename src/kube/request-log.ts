// kubectl's -v=6 request log: one line per API request on stderr, in klog's format
// (`I1201 22:41:48.895846   13909 round_trippers.go:560] GET URL 200 OK in 5 milliseconds`).
// Only method, URL, status and time: never headers (credentials) or bodies (Secret data).
import {STATUS_CODES} from 'node:http';
import {IsomorphicFetchHttpLibrary, Observable} from './client-node.js';

/** Verbosity from which every request is logged, as in kubectl. */
export const REQUEST_LOG_LEVEL = 6;

/** Receives each line, and the method and status (undefined: no response) for those who count requests. */
export type RequestLogSink = (line: string, request?: {method: string; status?: number}) => void;

interface HttpRequest {
  getHttpMethod(): unknown;
  getUrl(): string;
}

/** The client's HTTP library, logging each request when it completes or fails. */
export function loggingHttpApi(log: RequestLogSink, now: () => number = () => performance.now()) {
  const http = new IsomorphicFetchHttpLibrary();
  return {
    send(request: HttpRequest & Parameters<IsomorphicFetchHttpLibrary['send']>[0]) {
      const start = now();
      const line = (outcome: string) =>
        renderRequestLine(new Date(), String(request.getHttpMethod()), request.getUrl(), outcome, now() - start);
      const answer = http
        .send(request)
        .toPromise()
        .then(
          (response) => {
            log(line(`${response.httpStatusCode} ${STATUS_CODES[response.httpStatusCode] ?? ''}`.trim()), {
              method: String(request.getHttpMethod()),
              status: response.httpStatusCode,
            });
            return response;
          },
          (error: unknown) => {
            log(line(`(no response: ${String((error as Error)?.message ?? error).split('\n')[0]})`), {
              method: String(request.getHttpMethod()),
            });
            throw error;
          },
        );
      return new Observable(answer);
    },
  };
}

/** One klog-style line, as kubectl prints at -v=6. */
export function renderRequestLine(at: Date, method: string, url: string, outcome: string, elapsedMs: number, pid = process.pid): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const stamp = `I${pad(at.getMonth() + 1)}${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}000`;
  return `${stamp} ${String(pid).padStart(7)} request-log] ${method} ${url} ${outcome} in ${Math.round(elapsedMs)} milliseconds`;
}
