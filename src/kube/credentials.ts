// What one request to a context needs from the kubeconfig: TLS material and headers.
// @kubernetes/client-node works them out (certificates, tokens, token files, OIDC, proxies,
// impersonation) through its public applyToHTTPSOptions; exec plugins run through the
// process-wide cache in exec-credential.ts (once per user per run, bounded, killed on exit).
import type {Agent} from 'node:http';
import type {RequestOptions} from 'node:https';
import {KubeConfig} from './client-node.js';
import type {User} from './client-node.js';
import {credentialError} from './errors.js';
import {execConfigOf, execCredential, type UserWithExec} from './exec-credential.js';
import type {ConnectionSettings} from './transport.js';

export interface CredentialOptions {
  /** --as-group: the client library impersonates a user only. */
  impersonateGroup?: string;
}

/** For the kubeconfig's current context: a function giving each request its settings. */
export function connectionSettings(
  kubeConfig: KubeConfig,
  context: string,
  options: CredentialOptions = {},
): () => Promise<ConnectionSettings> {
  const user = kubeConfig.getCurrentUser();
  const exec = execConfigOf(user);
  const base = exec && user ? withoutExec(kubeConfig, user) : kubeConfig;
  const proxied = Boolean(kubeConfig.getCurrentCluster()?.proxyUrl);
  return async () => {
    const https: RequestOptions = {};
    const headers: Record<string, string> = {};
    try {
      await base.applyToHTTPSOptions(https);
      for (const [name, value] of Object.entries(https.headers ?? {}))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
      if (exec && user) {
        const status = await execCredential(user);
        if (status.clientCertificateData && status.clientKeyData) {
          https.cert = status.clientCertificateData;
          https.key = status.clientKeyData;
        }
        if (status.token) headers.Authorization = `Bearer ${status.token}`;
      }
    } catch (error) {
      throw credentialError(context, error, exec?.command);
    }
    if (options.impersonateGroup !== undefined) headers['Impersonate-Group'] = options.impersonateGroup;
    const {ca, cert, key, pfx, passphrase, rejectUnauthorized, servername} = https;
    return {
      tls: {ca, cert, key, pfx, passphrase, rejectUnauthorized, servername},
      headers,
      auth: typeof https.auth === 'string' ? https.auth : undefined,
      // Without a proxy the transport keeps its own keep-alive pool; the library's agent does not keep connections.
      proxyAgent: proxied ? (https.agent as Agent | undefined) : undefined,
    };
  };
}

/** The same kubeconfig with the user's exec section left out: its credential comes from our cache instead. */
function withoutExec(kubeConfig: KubeConfig, user: User): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.clusters,
    contexts: kubeConfig.contexts,
    users: kubeConfig.users.map((u) => {
      if (u.name !== user.name) return u;
      // The library types authProvider as any; an exec section inside it is a plugin too.
      const authProvider = u.authProvider as UserWithExec['authProvider'];
      return {...u, exec: undefined, authProvider: execConfigOf({name: u.name, authProvider}) ? undefined : authProvider};
    }),
    currentContext: kubeConfig.currentContext,
  });
  return copy;
}
