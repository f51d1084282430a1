import type {ClusterIdentity} from './cluster-api.js';
import {sha256} from './fingerprint.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * The API server URL in one spelling: lower-case host, loopback names as 127.0.0.1,
 * the default port written out, no trailing slash. Only the fallback identity uses it:
 * DNS aliases of one server stay apart here, which is why the kube-system UID comes first.
 */
export function normalizeServerUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return server.trim().replace(/\/+$/, '').toLowerCase();
  }
  const host = LOOPBACK_HOSTS.has(url.hostname.toLowerCase()) ? '127.0.0.1' : url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'http:' ? '80' : '443');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${host}:${port}${path}`;
}

/** Fallback identity: the normalised server URL and the CA that vouches for it. */
export function endpointIdentity(server: string, caPem: string | undefined): ClusterIdentity {
  const ca = caPem ? sha256(caPem.replace(/\r/g, '').trim()) : 'no-ca';
  return {id: `endpoint-${sha256(`${normalizeServerUrl(server)}\n${ca}`).slice(0, 24)}`, source: 'endpoint'};
}

/** Identity from the kube-system namespace's UID. */
export function uidIdentity(uid: string): ClusterIdentity {
  return {id: uid, source: 'kube-system'};
}
