// Helpers of the diff end-to-end tests: kubeconfigs with extra contexts (ARN-like
// names, unreachable and silent servers) and the API servers' audit logs.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {dump, load} from 'js-yaml';
import {kubeconfig, repoRoot} from './support.js';

export const ARN_CONTEXT = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
export const USER_AGENT_PREFIX = 'kubectl-configsync/';

interface KubeconfigDoc {
  clusters: Array<{name: string; cluster: Record<string, unknown>}>;
  contexts: Array<{name: string; context: {cluster: string; user: string; namespace?: string}}>;
  users: Array<{name: string; user: unknown}>;
  'current-context'?: string;
}

export interface ExtraContext {
  name: string;
  /** Reuse the cluster and user of this test-bed context… */
  like?: string;
  /** …or point at this server (TLS not verified: nothing answers anyway). */
  server?: string;
  namespace?: string;
  /** With `like`: the same user, impersonating this one (who may be allowed nothing). */
  as?: string;
}

/** A copy of the test bed's kubeconfig with more contexts; returns its path and a cleanup. */
export function kubeconfigWith(extra: ExtraContext[]): {path: string; cleanup: () => void} {
  const doc = load(readFileSync(kubeconfig, 'utf8')) as KubeconfigDoc;
  for (const context of extra) {
    if (context.like) {
      const base = doc.contexts.find((c) => c.name === context.like);
      if (!base) throw new Error(`no context ${context.like} in ${kubeconfig}`);
      let user = base.context.user;
      if (context.as) {
        const baseUser = doc.users.find((u) => u.name === user)!;
        user = `${user}-as-${context.as}`;
        doc.users.push({name: user, user: {...(baseUser.user as object), as: context.as}});
      }
      doc.contexts.push({name: context.name, context: {...base.context, user, namespace: context.namespace}});
    } else {
      const cluster = `cluster-${doc.clusters.length}`;
      doc.clusters.push({name: cluster, cluster: {server: context.server, 'insecure-skip-tls-verify': true}});
      doc.contexts.push({name: context.name, context: {cluster, user: doc.contexts[0].context.user, namespace: context.namespace}});
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'configsync-kubeconfig-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, dump(doc), {mode: 0o600});
  return {path, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as {port: number}).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts connections and never says a word: a hung API server. */
export async function silentServer(): Promise<{port: number; close: () => Promise<void>}> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as {port: number}).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface AuditEvent {
  verb: string;
  requestURI: string;
  userAgent?: string;
  objectRef?: {resource?: string; namespace?: string; name?: string};
  stage?: string;
}

/** Requests our CLI sent to one test-bed API server that touched the given namespaces. */
export function ourRequests(cluster: 'alpha' | 'beta', namespaces: string[]): AuditEvent[] {
  const state = JSON.parse(readFileSync(join(repoRoot, '.cluster', 'state.json'), 'utf8'));
  const lines = readFileSync(state.clusters[cluster].auditLog, 'utf8').split('\n');
  const events = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as AuditEvent];
    } catch {
      return []; // blank, or the line being written right now
    }
  });
  return events.filter(
    (e) =>
      (e.stage === undefined || e.stage === 'ResponseComplete') &&
      (e.userAgent ?? '').startsWith(USER_AGENT_PREFIX) &&
      (namespaces.includes(e.objectRef?.namespace ?? '') || (e.objectRef?.resource === 'namespaces' && namespaces.includes(e.objectRef?.name ?? ''))),
  );
}

/** Many manifests (JSON text from support.ts) as one List for a single `kubectl apply`. */
export function list(...manifests: string[]): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'List', items: manifests.map((m) => JSON.parse(m))});
}
