// The one way requests reach an API server: node:https (or node:http) with a keep-alive
// connection pool per cluster and credentials, a timeout per request, one retry layer
// (429, 5xx, connection reset) with backoff, our User-Agent, and kubectl's -v=6 log line.
// Loading it costs little: no generated API classes, no undici (a kubectl plugin starts often).
import {Agent as HttpAgent, request as httpRequest, STATUS_CODES, type IncomingMessage} from 'node:http';
import {Agent as HttpsAgent, request as httpsRequest, type RequestOptions} from 'node:https';
import {setLongTimeout} from './long-timeout.js';
import {renderRequestLine, type RequestLogSink} from './request-log.js';
import {ApiStatusError, translateError, type RequestScope} from './errors.js';
import {USER_AGENT} from './user-agent.js';
import {markPhase} from '../phases.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Path below the server URL, e.g. /api/v1/namespaces/a/configmaps. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Content type of the body (a patch names its kind of patch); application/json otherwise. */
  contentType?: string;
  /** Accept header: application/json unless asked for another representation (metadata only). */
  accept?: string;
}

/** TLS material and headers for one request, from the kubeconfig (src/kube/credentials.ts). */
export interface ConnectionSettings {
  tls: Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'>;
  headers: Record<string, string>;
  /** user:password, for basic authentication. */
  auth?: string;
  /** A proxy from the kubeconfig's proxy-url: the client library's agent for it. */
  proxyAgent?: HttpAgent;
}

export interface TransportOptions {
  context: string;
  /** The API server URL from the kubeconfig (may carry a path prefix). */
  server: string;
  /** Per request, connecting and reading the whole answer; 0 waits forever. */
  requestTimeoutMs: number;
  /** Credentials are asked for on every request: tokens and certificates can rotate. */
  settings: () => Promise<ConnectionSettings>;
  requestLog?: RequestLogSink;
}

/** When a request ends for want of an answer (--request-timeout). */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export interface SendOptions<T> {
  /** A 404 is an answer (undefined), not an error. */
  missingIsUndefined?: boolean;
  /**
   * After a retried write meets 409 or 404: did an earlier attempt already do the work?
   * (The server may process a request whose answer was lost.)
   */
  recover?: (status: number) => Promise<{value: T} | undefined>;
}

export interface WatchStream {
  stop(): void;
}

/** Attempts per request (the first included). */
export const RETRY_ATTEMPTS = 4;
const MAX_RETRY_WAIT_MS = 10_000;
/** Connections a per-cluster pool keeps open; parallel reads beyond that wait for one. */
const MAX_SOCKETS = 16;

export class Transport {
  private readonly agents = new Map<string, HttpAgent>();
  private readonly base: URL;

  constructor(private readonly options: TransportOptions) {
    this.base = new URL(options.server);
  }

  /**
   * One request and its JSON answer, retried with backoff on 429, 5xx and connection resets
   * (Retry-After honoured), errors translated into one line naming the context.
   */
  async send<T>(request: ApiRequest, scope: RequestScope, options: SendOptions<T> = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once(request)) as T;
      } catch (error) {
        const status = error instanceof ApiStatusError ? error.code : undefined;
        if (status === 404 && options.missingIsUndefined) return undefined as T;
        if (attempt > 1 && options.recover && (status === 409 || status === 404)) {
          const done = await options.recover(status).catch(() => undefined);
          if (done) return done.value;
        }
        const wait = attempt < RETRY_ATTEMPTS ? retryDelayMs(error, request.method, attempt) : undefined;
        if (wait === undefined) throw translateError(error, scope);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Streams a watch: one JSON event per line, until stop() or the stream ends (onEnd, once). */
  watch(
    request: ApiRequest,
    scope: RequestScope,
    idleTimeoutMs: number,
    onEvent: (event: unknown) => void,
    onEnd: (error?: Error) => void,
  ): WatchStream {
    let stopped = false;
    let ended = false;
    let cancel: (() => void) | undefined;
    const end = (error?: unknown) => {
      if (stopped || ended) return;
      ended = true;
      cancel?.();
      onEnd(error === undefined ? undefined : translateError(error, scope));
    };
    this.open(request, idleTimeoutMs)
      .then(({response, abort}) => {
        cancel = abort;
        if (stopped) return abort();
        if (response.statusCode === undefined || response.statusCode >= 300) {
          return readBody(response).then((body) => end(new ApiStatusError(response.statusCode ?? 0, body, response.headers)), end);
        }
        let pending = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          pending += chunk;
          let newline: number;
          while ((newline = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            if (!line || stopped || ended) continue;
            try {
              onEvent(JSON.parse(line));
            } catch (error) {
              end(error);
            }
          }
        });
        response.on('end', () => end());
        response.on('error', end);
      })
      .catch(end);
    return {
      stop: () => {
        stopped = true;
        cancel?.();
      },
    };
  }

  private async once(request: ApiRequest): Promise<unknown> {
    const {response, done, timedOut} = await this.open(request, 0);
    let body: string;
    try {
      body = await readBody(response);
    } catch (error) {
      // A body cut off by the timeout is a timeout (never retried), not a connection reset.
      throw timedOut() ? new RequestTimeoutError('no answer in time') : error;
    } finally {
      done();
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw new ApiStatusError(status, body, response.headers);
    return body ? (JSON.parse(body) as unknown) : undefined;
  }

  /**
   * Sends a request and waits for the answer's headers. The request timeout covers connecting,
   * the headers and (until done()) the body; idleTimeoutMs, for watches, ends a silent stream.
   */
  private async open(
    request: ApiRequest,
    idleTimeoutMs: number,
  ): Promise<{response: IncomingMessage; abort: () => void; done: () => void; timedOut: () => boolean}> {
    markPhase('credentials');
    const settings = await this.options.settings();
    markPhase('first request');
    const url = this.urlOf(request);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = {
      Accept: request.accept ?? 'application/json',
      'User-Agent': USER_AGENT,
      ...settings.headers,
    };
    if (body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const secure = url.protocol === 'https:';
    const start = performance.now();
    const log = this.options.requestLog;
    const logLine = (outcome: string, status?: number) =>
      log?.(renderRequestLine(new Date(), request.method, url.href, outcome, performance.now() - start), {method: request.method, status});
    return new Promise((resolve, reject) => {
      const send = secure ? httpsRequest : httpRequest;
      const req = send(url, {
        method: request.method,
        headers,
        auth: settings.auth,
        agent: settings.proxyAgent ?? this.agentFor(secure, settings),
      });
      let timer: {clear(): void} | undefined;
      let expired = false;
      const done = () => timer?.clear();
      if (this.options.requestTimeoutMs > 0) {
        const ms = this.options.requestTimeoutMs;
        timer = setLongTimeout(() => {
          expired = true;
          req.destroy(new RequestTimeoutError(`no answer within ${ms} ms`));
        }, ms);
      }
      if (idleTimeoutMs > 0) req.setTimeout(idleTimeoutMs, () => req.destroy(new RequestTimeoutError('the stream went silent')));
      req.on('error', (error) => {
        done();
        logLine(`(no response: ${error.message.split('\n')[0]})`);
        reject(error);
      });
      req.on('response', (response) => {
        const status = response.statusCode ?? 0;
        markPhase('first answer');
        logLine(`${status} ${STATUS_CODES[status] ?? ''}`.trim(), status);
        // A watch's timer ends with the headers; the idle timeout bounds the stream.
        if (idleTimeoutMs > 0) done();
        resolve({response, abort: () => req.destroy(), done, timedOut: () => expired});
      });
      req.end(body);
    });
  }

  private urlOf(request: ApiRequest): URL {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/$/, '')}${request.path}`;
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** One keep-alive pool per cluster and TLS material (a rotated client certificate gets a new one). */
  private agentFor(secure: boolean, settings: ConnectionSettings): HttpAgent {
    const tls = settings.tls;
    const key = JSON.stringify([secure, tls.rejectUnauthorized, tls.servername, ...[tls.ca, tls.cert, tls.key].map(material)]);
    let agent = this.agents.get(key);
    if (!agent) {
      const common = {keepAlive: true, maxSockets: MAX_SOCKETS};
      agent = secure ? new HttpsAgent({...common, ...tls}) : new HttpAgent(common);
      this.agents.set(key, agent);
    }
    return agent;
  }
}

function material(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(material).join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(Object.assign(new Error('the answer was cut off'), {code: 'ECONNRESET'})));
  });
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * How long to wait before trying again, or undefined when the error is not worth a retry.
 * Writes are retried too: updates and deletes are conditional on resourceVersion, creates
 * meet 409, and `recover` in send() tells whether a lost answer hid a success.
 */
export function retryDelayMs(error: unknown, method: HttpMethod, attempt: number): number | undefined {
  const read = method === 'GET';
  if (error instanceof ApiStatusError) {
    const status = error.code;
    // 429 (priority and fairness, before processing) and 503/504 for every verb; 500/502 for reads only.
    const retryable = status === 429 || status === 503 || status === 504 || (read && (status === 500 || status === 502));
    if (!retryable) return undefined;
    const header = error.headers['retry-after'];
    const seconds = typeof header === 'string' ? Number(header) : Number.NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_WAIT_MS);
    return backoffMs(attempt);
  }
  const code = (error as {code?: unknown})?.code;
  if (typeof code === 'string' && RESET_CODES.has(code)) return backoffMs(attempt);
  return undefined;
}

function backoffMs(attempt: number): number {
  return Math.round(200 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
}
