// esbuild plugins shared by the npm build (build.mjs) and the single executable (build-binary.mjs).

/**
 * @kubernetes/client-node declares no `sideEffects`, so esbuild keeps every module it reaches,
 * among them the generated API (hundreds of classes and models) that only its index imports.
 * Its modules have no side effects at import: saying so lets esbuild keep only what KubeConfig
 * needs (the bundle's client code went from 6.7 MB to under 2 MB).
 */
export const sideEffectFreeClient = {
  name: 'side-effect-free-client-node',
  setup(build) {
    build.onResolve({filter: /.*/}, async (args) => {
      if (args.pluginData?.resolving || !/@kubernetes[\\/]client-node/.test(`${args.importer}|${args.path}`)) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: {resolving: true},
      });
      if (resolved.errors.length > 0 || !/node_modules[\\/]@kubernetes[\\/]client-node[\\/]/.test(resolved.path)) return undefined;
      return {...resolved, sideEffects: false};
    });
  },
};

/**
 * client-node's config.js imports undici (1.3 MB bundled; +35 ms and +20 MB at every start)
 * for its generated API client only: the connection pool (createDispatcher, called from
 * applySecurityAuthentication) and, through makeApiClient's createConfiguration, fetch
 * (gen/http/isomorphic-fetch.js). This program never uses that client: requests go through
 * src/kube/transport.ts over node:https, with TLS options from the public applyToHTTPSOptions.
 * So those two modules get stand-ins that refuse to be used, and undici stays out of the
 * bundle. test/unit/client-bundle.test.ts bundles the kubeconfig code this way and fails if
 * the library starts to need undici on that path (a new version: see the exact pin in package.json).
 */
export const UNDICI_LEFT_OUT = 'undici is left out of this build: requests go through src/kube/transport.ts (node:https)';

export const undiciLeftOut = {
  name: 'undici-left-out-of-client-node',
  setup(build) {
    build.onResolve({filter: /^undici$/}, (args) =>
      /node_modules[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/](config|gen[\\/]http[\\/]isomorphic-fetch)\.js$/.test(args.importer)
        ? {path: 'undici-left-out', namespace: 'undici-left-out', sideEffects: false}
        : undefined,
    );
    build.onLoad({filter: /.*/, namespace: 'undici-left-out'}, () => ({
      contents: `const refuse = () => { throw new Error(${JSON.stringify(UNDICI_LEFT_OUT)}); };
export class Agent { constructor() { refuse(); } }
export class ProxyAgent { constructor() { refuse(); } }
export function fetch() { return Promise.reject(new Error(${JSON.stringify(UNDICI_LEFT_OUT)})); }`,
      loader: 'js',
    }));
  },
};

const BUILTIN_EXPORTS = {
  http: [
    'Agent',
    'ClientRequest',
    'IncomingMessage',
    'METHODS',
    'OutgoingMessage',
    'STATUS_CODES',
    'Server',
    'ServerResponse',
    'createServer',
    'get',
    'globalAgent',
    'maxHeaderSize',
    'request',
    'validateHeaderName',
    'validateHeaderValue',
  ],
  https: ['Agent', 'Server', 'createServer', 'get', 'globalAgent', 'request'],
};

/**
 * An ES import of node:http reads every export of the module, and since Node 22 some of them
 * (WebSocket, CloseEvent, MessageEvent) are getters that load Node's own copy of undici: about
 * 10 MB and milliseconds at every start, for nothing used here. require() reads only what is
 * used, so bundled imports of http and https become require() (the bundle's banner defines it;
 * the single executable is CommonJS). A name not listed fails the build, not the program.
 */
export const builtinHttpByRequire = {
  name: 'builtin-http-by-require',
  setup(build) {
    // Only ES imports: require() calls (CommonJS packages, and the stand-in itself) stay as they are.
    build.onResolve({filter: /^(node:)?https?$/}, (args) =>
      args.kind === 'import-statement' ? {path: args.path.replace(/^node:/, ''), namespace: 'builtin-by-require'} : undefined,
    );
    build.onLoad({filter: /.*/, namespace: 'builtin-by-require'}, (args) => ({
      contents: `const builtin = require('node:${args.path}');
export default builtin;
export const {${BUILTIN_EXPORTS[args.path].join(', ')}} = builtin;`,
      loader: 'js',
    }));
  },
};

/** What every bundle of the CLI uses (in this order: the first plugin to resolve an import wins). */
export const clientPlugins = [builtinHttpByRequire, undiciLeftOut, sideEffectFreeClient];
