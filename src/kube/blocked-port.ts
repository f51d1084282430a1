/**
 * API servers on ports that fetch refuses. The client library sends every request through
 * undici's fetch, which implements the browser "bad port" list (10080, 6665-6669, …) and
 * fails with "bad port" before connecting; kubectl has no such list. For such a server the
 * request URL names the scheme's default port, which fetch allows, and the connection pool
 * is told the real origin, so the socket, the TLS server name and the Host header are the
 * real server's.
 */

/** The fetch standard's blocked ports (undici lib/web/fetch/constants.js). */
const FETCH_BLOCKED_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117,
  119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636,
  989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

interface Dispatcher {
  compose(interceptor: (dispatch: DispatchFn) => DispatchFn): Dispatcher;
}
type DispatchFn = (options: {origin?: string | URL}, handler: unknown) => boolean;

export interface ServerRoute {
  /** The URL requests are built on: the server itself, or the server on its scheme's default port. */
  requestServer: string;
  /** Points a request's connection pool at the real server; undefined when the port is not blocked. */
  route?: (dispatcher: unknown) => unknown;
}

export function routeFor(server: string): ServerRoute {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return {requestServer: server};
  }
  if (!url.port || !FETCH_BLOCKED_PORTS.has(Number(url.port))) return {requestServer: server};
  const realOrigin = url.origin;
  const alias = new URL(url.href);
  alias.port = '';
  const aliasOrigin = alias.origin;
  const requestServer = server.replace(realOrigin, aliasOrigin);
  const retarget: (dispatch: DispatchFn) => DispatchFn = (dispatch) => (options, handler) =>
    dispatch(String(options.origin) === aliasOrigin ? {...options, origin: realOrigin} : options, handler);
  return {requestServer, route: (dispatcher) => (dispatcher as Dispatcher).compose(retarget)};
}

/** Requests to a rerouted server need a dispatcher of their own, even without TLS options. */
export function alwaysOwnDispatcher(kubeConfig: {createDispatcherOptions: (...args: never[]) => {type: string}}): void {
  const create = kubeConfig.createDispatcherOptions.bind(kubeConfig);
  kubeConfig.createDispatcherOptions = ((...args: never[]) => {
    const options = create(...args);
    return options.type === 'none' ? {type: 'agent', connect: {}} : options;
  }) as typeof kubeConfig.createDispatcherOptions;
}
