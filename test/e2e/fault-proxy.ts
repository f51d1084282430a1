// Faults for one client only: the shared API servers are never stopped. A local
// HTTPS proxy on 127.0.0.1 terminates TLS with a throwaway certificate, forwards to
// the real API server with the admin client certificate, and can answer 429/5xx,
// go down (a killed API server) and come back, per request.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer as createHttpsServer, request as httpsRequest, Agent, type Server} from 'node:https';
import type {IncomingMessage, ClientRequest} from 'node:http';
import type {Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {load} from 'js-yaml';
import {kubeconfigWith} from './kubeconfigs.js';
import {kubeconfig as testbedKubeconfig} from './support.js';

export type ClusterName = 'alpha' | 'beta';

/** How the admin user reaches one test-bed cluster. */
export interface ClusterAccess {
  name: ClusterName;
  server: string;
  port: number;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  agent: Agent;
}

const accessCache = new Map<ClusterName, ClusterAccess>();

export function testbedConfig(): any {
  return load(readFileSync(testbedKubeconfig, 'utf8'));
}

export function clusterAccess(name: ClusterName): ClusterAccess {
  const cached = accessCache.get(name);
  if (cached) return cached;
  const config = testbedConfig();
  const cluster = config.clusters.find((c: any) => c.name === name).cluster;
  const context = config.contexts.find((c: any) => c.name === name).context;
  const user = config.users.find((u: any) => u.name === context.user).user;
  const ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
  const cert = Buffer.from(user['client-certificate-data'], 'base64');
  const key = Buffer.from(user['client-key-data'], 'base64');
  const access: ClusterAccess = {
    name,
    server: cluster.server,
    port: Number(new URL(cluster.server).port),
    ca,
    cert,
    key,
    agent: new Agent({keepAlive: true, ca, cert, key}),
  };
  accessCache.set(name, access);
  return access;
}

/** One request as the admin, in-process (fast enough for snapshots and a competing writer). */
export function adminRequest(name: ClusterName, method: string, path: string, body?: unknown): Promise<{status: number; body: any}> {
  const access = clusterAccess(name);
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(
      `${access.server}${path}`,
      {
        method,
        agent: access.agent,
        headers: {Accept: 'application/json', ...(payload ? {'Content-Type': 'application/json'} : {}), 'User-Agent': 'hardening-test'},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({status: res.statusCode ?? 0, body: parsed});
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** kind/name → resourceVersion of every ConfigMap and Secret in the namespaces: "was anything written?" */
export async function snapshot(name: ClusterName, namespaces: string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const namespace of namespaces) {
    for (const resource of ['configmaps', 'secrets']) {
      const {status, body} = await adminRequest(name, 'GET', `/api/v1/namespaces/${namespace}/${resource}`);
      if (status !== 200) throw new Error(`snapshot ${name}/${namespace}/${resource}: HTTP ${status}`);
      for (const item of body.items) result[`${name}/${namespace}/${resource}/${item.metadata.name}`] = item.metadata.resourceVersion;
    }
  }
  return result;
}

export interface TestTls {
  dir: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  cleanup(): void;
}

/** A throwaway CA and a serving certificate for 127.0.0.1 signed by it (node:crypto cannot sign X.509). */
export function makeTestTls(): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'configsync-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=configsync-hardening-ca');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    certPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  };
}

export interface SeenRequest {
  method: string;
  path: string;
  userAgent: string;
  /** Status the proxy answered itself, if it injected a fault. */
  injected?: number;
  /** Status the API server answered (when the request reached it). */
  upstreamStatus?: number;
}

/**
 * What to do with one request: forward it (undefined), answer with a fault without
 * forwarding, forward and then lose the answer (`afterForward`: the server did the
 * work, the client sees the fault), forward after a delay or after `before` ran (e.g. a
 * competing writer), or go down (a killed API server).
 */
export type FaultDecision =
  | undefined
  | {status: number; retryAfter?: number; afterForward?: boolean}
  | {delayMs: number}
  | {before: () => Promise<void>}
  | {afterAnswer: () => Promise<void>}
  | 'die';

export type FaultRule = (request: {method: string; path: string}, seen: SeenRequest[]) => FaultDecision;

export const isWriteMethod = (method: string) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

/**
 * An HTTPS proxy in front of one test-bed API server. `down()` drops every
 * connection and stops listening (connections are refused, as from a dead server);
 * `up()` listens on the same port again.
 */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly upstream = new Set<ClientRequest>();
  port = 0;

  private constructor(
    readonly target: ClusterAccess,
    private readonly tls: TestTls,
    public rule: FaultRule = () => undefined,
  ) {}

  static async start(target: ClusterName, tls: TestTls, rule?: FaultRule): Promise<FaultProxy> {
    const proxy = new FaultProxy(clusterAccess(target), tls, rule);
    await proxy.up();
    return proxy;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get injected(): number {
    return this.seen.filter((r) => r.injected !== undefined).length;
  }

  up(): Promise<void> {
    const server = createHttpsServer({key: this.tls.keyPem, cert: this.tls.certPem}, (req, res) => this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('tlsClientError', () => undefined);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as {port: number}).port;
        resolve();
      });
    });
  }

  /** The API server "dies": open connections reset, new ones refused. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const request of this.upstream) request.destroy();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async close(): Promise<void> {
    await this.down();
  }

  private handle(req: IncomingMessage, res: import('node:http').ServerResponse): void {
    const entry: SeenRequest = {method: req.method ?? 'GET', path: req.url ?? '/', userAgent: String(req.headers['user-agent'] ?? '')};
    const decision = this.rule({method: entry.method, path: entry.path}, this.seen);
    this.seen.push(entry);
    if (decision === 'die') {
      entry.injected = 0;
      void this.down();
      return;
    }
    if (decision && 'before' in decision) {
      decision.before().then(
        () => this.forward(req, res, entry),
        () => res.destroy(),
      );
      return;
    }
    if (decision && 'afterAnswer' in decision) {
      res.on('finish', () => void decision.afterAnswer());
      this.forward(req, res, entry);
      return;
    }
    if (decision && 'delayMs' in decision) {
      setTimeout(() => this.forward(req, res, entry), decision.delayMs);
      return;
    }
    if (decision?.afterForward) {
      entry.injected = decision.status;
      this.forward(req, res, entry, decision.status);
      return;
    }
    if (decision) {
      entry.injected = decision.status;
      req.resume();
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: decision.status,
        message: `injected by the test proxy (${decision.status})`,
        reason: decision.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable',
      };
      res.writeHead(decision.status, {
        'Content-Type': 'application/json',
        ...(decision.retryAfter !== undefined ? {'Retry-After': String(decision.retryAfter)} : {}),
      });
      res.end(JSON.stringify(status));
      return;
    }
    this.forward(req, res, entry);
  }

  private forward(req: IncomingMessage, res: import('node:http').ServerResponse, entry: SeenRequest, replaceStatus?: number): void {
    if (!this.server) {
      res.destroy();
      return;
    }
    const headers = {...req.headers};
    delete headers.host;
    delete headers.authorization; // the proxy is the admin upstream
    const upstream = httpsRequest(
      {
        host: '127.0.0.1',
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers,
        ca: this.target.ca,
        cert: this.target.cert,
        key: this.target.key,
      },
      (upstreamRes) => {
        entry.upstreamStatus = upstreamRes.statusCode;
        if (replaceStatus !== undefined) {
          upstreamRes.resume();
          res.writeHead(replaceStatus, {'Content-Type': 'application/json'});
          res.end(
            JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              code: replaceStatus,
              message: `answer lost (injected ${replaceStatus} by the test proxy)`,
            }),
          );
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    this.upstream.add(upstream);
    upstream.on('close', () => this.upstream.delete(upstream));
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

export interface ProxiedContext {
  proxy: FaultProxy;
  /** A kubeconfig with the test bed's contexts plus `context`, which goes through the proxy. */
  kubeconfig: string;
  close(): Promise<void>;
}

/** One fault proxy in front of a test-bed cluster, reachable as its own kubeconfig context. */
export async function proxiedContext(context: string, target: ClusterName): Promise<ProxiedContext> {
  const tls = makeTestTls();
  const proxy = await FaultProxy.start(target, tls);
  const config = kubeconfigWith([{name: context, server: proxy.url, caPem: tls.caPem, user: {}}]);
  return {
    proxy,
    kubeconfig: config.path,
    close: async () => {
      await proxy.close();
      config.cleanup();
      tls.cleanup();
    },
  };
}
