import {Observable, ServerConfiguration, createConfiguration, setHeaderMiddleware} from './client-node.js';
import type {KubeConfig} from './client-node.js';
import type {Kubeconfig} from './kubeconfig.js';
import {loggingHttpApi} from './request-log.js';
import {USER_AGENT} from './user-agent.js';

/**
 * The client library's configuration for APIs beyond the ClusterApi seam (coordination Leases,
 * Events): the context's credentials, our User-Agent, the per-request timeout and the request
 * log (which the controller's metrics count), as for every other request.
 */
export function apiConfiguration(kube: Kubeconfig, context: string) {
  const {requestTimeoutMs, requestLog} = kube.requestOptions;
  const middleware = [setHeaderMiddleware('User-Agent', USER_AGENT)];
  if (requestTimeoutMs > 0)
    middleware.push({
      pre: (request: {setSignal(signal: AbortSignal): void}) => {
        request.setSignal(AbortSignal.timeout(requestTimeoutMs));
        return new Observable(Promise.resolve(request));
      },
      post: <T>(response: T) => new Observable(Promise.resolve(response)),
    } as unknown as ReturnType<typeof setHeaderMiddleware>);
  const config: KubeConfig = kube.clientConfig(context);
  return createConfiguration({
    baseServer: new ServerConfiguration(kube.serverOf(context), {}),
    authMethods: {default: config},
    middleware,
    httpApi: requestLog ? loggingHttpApi(requestLog) : undefined,
  });
}
