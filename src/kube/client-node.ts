// The one module that imports @kubernetes/client-node, and only for what it is good at:
// reading kubeconfigs and turning a context into TLS options and credentials. Requests go
// through our transport (transport.ts), so its generated API classes and its HTTP stack
// (undici) are never loaded: a kubectl plugin starts often and briefly.
// Imported from its own module rather than the package index, which re-exports every other
// module of the library (watch, log, metrics, … each importing undici).
export {KubeConfig} from '@kubernetes/client-node/dist/config.js';
export type {Cluster, Context, User} from '@kubernetes/client-node/dist/config_types.js';
