// The one module that imports @kubernetes/client-node. Named imports only, so the
// bundler can drop the parts of the library we never use (cold start matters).
export {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  Observable,
  ServerConfiguration,
  Watch,
  createConfiguration,
  setHeaderMiddleware,
} from '@kubernetes/client-node';
export type {
  CoreV1Event,
  V1ConfigMap,
  V1DaemonSet,
  V1Lease,
  V1Deployment,
  V1Namespace,
  V1Secret,
  V1StatefulSet,
} from '@kubernetes/client-node';
