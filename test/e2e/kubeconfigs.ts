// Temporary kubeconfigs with extra contexts, and servers that are not there:
// how tests reach ARN-like contexts, impersonated users, fault proxies, and
// unreachable or silent API servers without touching the shared test bed.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createServer, type Server, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {dump, load} from 'js-yaml';
import {kubeconfig} from './support.js';

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
  /** …optionally impersonating this user (who may be allowed nothing). */
  as?: string;
  /** …optionally reaching its API server by another host name (e.g. localhost for 127.0.0.1): the same cluster. */
  host?: string;
  /** …or point at this server. */
  server?: string;
  /** PEM of the CA that signs `server`'s certificate; without it TLS is not verified. */
  caPem?: string;
  /** A kubeconfig "user:" map (for `server`, or instead of `like`'s user); default: the test bed's admin. */
  user?: Record<string, unknown>;
  /** Name of that user entry (default: "<context>-user"); contexts naming the same one share it. */
  userName?: string;
  namespace?: string;
}

/** A copy of the test bed's kubeconfig with more contexts, in a private temporary file. */
export function kubeconfigWith(extra: ExtraContext[]): {path: string; cleanup: () => void} {
  const doc = load(readFileSync(kubeconfig, 'utf8')) as KubeconfigDoc;
  const admin = doc.contexts.find((c) => c.name === 'alpha')!.context.user;
  for (const context of extra) {
    const namespace = context.namespace ? {namespace: context.namespace} : {};
    if (context.like) {
      const base = doc.contexts.find((c) => c.name === context.like);
      if (!base) throw new Error(`no context ${context.like} in ${kubeconfig}`);
      let user = base.context.user;
      if (context.user) user = addUser(doc, context.userName ?? `${context.name}-user`, context.user);
      if (context.as) {
        const baseUser = doc.users.find((u) => u.name === user)!;
        user = `${user}-as-${context.as}`;
        if (!doc.users.some((u) => u.name === user)) doc.users.push({name: user, user: {...(baseUser.user as object), as: context.as}});
      }
      let cluster = base.context.cluster;
      if (context.host) {
        const baseCluster = doc.clusters.find((c) => c.name === cluster)!;
        const url = new URL(String(baseCluster.cluster.server));
        url.hostname = context.host;
        cluster = `${cluster}-via-${context.host}`;
        if (!doc.clusters.some((c) => c.name === cluster))
          doc.clusters.push({name: cluster, cluster: {...baseCluster.cluster, server: url.toString().replace(/\/$/, '')}});
      }
      doc.contexts.push({name: context.name, context: {cluster, user, ...namespace}});
      continue;
    }
    const tls = context.caPem
      ? {'certificate-authority-data': Buffer.from(context.caPem).toString('base64')}
      : {'insecure-skip-tls-verify': true};
    doc.clusters.push({name: context.name, cluster: {server: context.server, ...tls}});
    const user = context.user ? addUser(doc, context.userName ?? `${context.name}-user`, context.user) : admin;
    doc.contexts.push({name: context.name, context: {cluster: context.name, user, ...namespace}});
  }
  const dir = mkdtempSync(join(tmpdir(), 'configsync-kubeconfig-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, dump(doc), {mode: 0o600});
  return {path, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

function addUser(doc: KubeconfigDoc, name: string, user: Record<string, unknown>): string {
  if (!doc.users.some((u) => u.name === name)) doc.users.push({name, user});
  return name;
}

/** The test bed admin's client certificate and key, PEM (what an exec plugin may hand out). */
export function adminCertificate(): {certificate: string; key: string} {
  const doc = load(readFileSync(kubeconfig, 'utf8')) as KubeconfigDoc;
  const admin = doc.contexts.find((c) => c.name === 'alpha')!.context.user;
  const user = doc.users.find((u) => u.name === admin)!.user as Record<string, string>;
  const pem = (data: string) => Buffer.from(data, 'base64').toString('utf8');
  return {certificate: pem(user['client-certificate-data']), key: pem(user['client-key-data'])};
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
