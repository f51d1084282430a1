// The Kubernetes client as the CLI bundles it (scripts/esbuild-plugins.mjs): only KubeConfig and
// what it needs, no generated API, no undici, and still turning a kubeconfig into TLS options and
// headers. Fails when a new @kubernetes/client-node needs undici (or more) on that path.
import {build} from 'esbuild';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {clientPlugins} from '../../scripts/esbuild-plugins.mjs';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'configsync-client-bundle-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

async function bundle() {
  const outfile = join(dir, 'client.mjs');
  const result = await build({
    absWorkingDir: root,
    stdin: {
      contents: `export {KubeConfig} from './src/kube/client-node.ts';
export {connectionSettings} from './src/kube/credentials.ts';
export {Kubeconfig} from './src/kube/kubeconfig.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    metafile: true,
    logLevel: 'silent',
    plugins: clientPlugins,
    banner: {js: "import {createRequire as __r} from 'node:module'; const require = __r(import.meta.url);"},
  });
  const output = Object.values(result.metafile.outputs)[0];
  // What ended up in the bundle (modules read but shaken away contribute no bytes).
  const inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  return {outfile, inputs, bytes: output.bytes};
}

describe('the bundled Kubernetes client', () => {
  const bundled = bundle();

  it('holds KubeConfig and its authentication, without the generated API or undici', async () => {
    const {inputs, bytes} = await bundled;
    expect(inputs.filter((file) => /node_modules\/undici\//.test(file))).toEqual([]);
    expect(inputs.filter((file) => /client-node\/dist\/gen\/(apis|models)\//.test(file))).toEqual([]);
    expect(inputs.some((file) => /client-node\/dist\/config\.js$/.test(file))).toBe(true);
    expect(bytes).toBeLessThan(1_000_000);
  }, 120_000);

  it('turns a context into TLS options and headers through the public applyToHTTPSOptions', async () => {
    const {outfile} = await bundled;
    const client = (await import(pathToFileURL(outfile).href)) as typeof import('../../src/kube/credentials.js') &
      typeof import('../../src/kube/client-node.js');
    const config = new client.KubeConfig();
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'file-token-123');
    config.loadFromOptions({
      clusters: [{name: 'c', server: 'https://127.0.0.1:6443', caData: ca.toString('base64'), skipTLSVerify: false}],
      users: [
        {name: 'direct', token: 'direct-token', impersonateUser: 'jane'},
        {name: 'file', authProvider: {name: 'tokenFile', config: {tokenFile}}},
      ],
      contexts: [
        {name: 'direct', cluster: 'c', user: 'direct'},
        {name: 'file', cluster: 'c', user: 'file'},
      ],
      currentContext: 'direct',
    });
    const direct = await client.connectionSettings(config, 'direct', {impersonateGroup: 'admins'})();
    expect(direct.headers).toMatchObject({Authorization: 'Bearer direct-token', 'Impersonate-User': 'jane', 'Impersonate-Group': 'admins'});
    expect(Buffer.from(direct.tls.ca as Buffer).equals(ca)).toBe(true);
    expect(direct.proxyAgent).toBeUndefined();
    config.setCurrentContext('file');
    const fromFile = await client.connectionSettings(config, 'file')();
    expect(fromFile.headers.Authorization).toBe('Bearer file-token-123');
  }, 120_000);
});
