// Where contexts come from, as kubectl reads them: KUBECONFIG naming several files
// (merged, first file wins), a context's own namespace, and an exec credential plugin.
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {dump, load} from 'js-yaml';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubeconfig, runCli, uniqueName} from './support.js';

const ns = uniqueName('kcsrc');
const other = uniqueName('kcsrc-b');
const work = mkdtempSync(join(tmpdir(), 'configsync-kubeconfigs-'));
let cleanup: Array<() => Promise<void>> = [];
let files: {alpha: string; beta: string; exec: string};

beforeAll(async () => {
  cleanup = [await createNamespaces('alpha', ns, other), await createNamespaces('beta', ns)];
  await apply('alpha', configMap(ns, 'app', {MODE: 'a'}));
  await apply('alpha', configMap(other, 'app', {MODE: 'b'}));
  await apply('beta', configMap(ns, 'app', {MODE: 'a'}));

  const doc = load(readFileSync(kubeconfig, 'utf8')) as any;
  const cluster = (name: string) => doc.clusters.find((c: any) => c.name === name);
  const admin = doc.users.find((u: any) => u.name === 'configsync-admin');
  const write = (name: string, content: unknown) => {
    const path = join(work, name);
    writeFileSync(path, dump(content), {mode: 0o600});
    return path;
  };
  // Split as people's kubeconfigs are: one file per cluster, the alpha context pinned to a namespace.
  files = {
    alpha: write('alpha.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'alpha',
      clusters: [cluster('alpha')],
      users: [admin],
      contexts: [{name: 'alpha', context: {cluster: 'alpha', user: 'configsync-admin', namespace: ns}}],
    }),
    beta: write('beta.yaml', {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [cluster('beta')],
      users: [admin],
      contexts: [{name: 'beta', context: {cluster: 'beta', user: 'configsync-admin'}}],
    }),
    exec: '',
  };
  // An exec credential plugin that hands out the admin's client certificate, as cloud login helpers do.
  const plugin = join(work, 'credential-plugin.sh');
  const credential = {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {
      clientCertificateData: Buffer.from(admin.user['client-certificate-data'], 'base64').toString(),
      clientKeyData: Buffer.from(admin.user['client-key-data'], 'base64').toString(),
    },
  };
  writeFileSync(plugin, `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(credential)}\nJSON\n`);
  chmodSync(plugin, 0o700);
  files.exec = write('exec.yaml', {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [cluster('beta')],
    users: [{name: 'sso', user: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never'}}}],
    contexts: [{name: 'beta-sso', context: {cluster: 'beta', user: 'sso', namespace: ns}}],
  });
});

afterAll(async () => {
  for (const c of cleanup) await c();
  rmSync(work, {recursive: true, force: true});
});

describe('kubeconfig sources', () => {
  it("merges the files KUBECONFIG names (first wins, missing files skipped) and uses a context's own namespace", async () => {
    // Both files define the user "configsync-admin", as per-cluster files often do; kubectl takes the first.
    const env = {KUBECONFIG: [join(work, 'not-there.yaml'), files.alpha, files.beta].join(delimiter)};
    // "alpha" alone means the namespace its context sets; "beta" has none, so it is named.
    const same = await runCli(['diff', 'alpha', `beta/${ns}`, '-o', 'json'], {env});
    expect(same.code, same.stderr).toBe(0);
    const report = JSON.parse(same.stdout);
    expect(report.source).toMatchObject({context: 'alpha', namespace: ns});
    expect(report.target).toMatchObject({context: 'beta', namespace: ns});

    // A bare namespace is read in the current context, which the first file sets.
    const drift = await runCli(['diff', ns, other, '-q'], {env});
    expect(drift.code, drift.stderr).toBe(1);
    expect(drift.stdout).toContain(`alpha/${ns} → alpha/${other}`);
  });

  it('-n names the namespace of words that are only a context', async () => {
    const result = await runCli(['diff', 'alpha', 'beta', '-n', ns, '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect([report.source, report.target].map((l: any) => `${l.context}/${l.namespace}`)).toEqual([`alpha/${ns}`, `beta/${ns}`]);
  });

  it('gets credentials from an exec plugin', async () => {
    const env = {KUBECONFIG: [files.alpha, files.exec].join(delimiter)};
    const result = await runCli(['diff', 'alpha', 'beta-sso', '-o', 'json'], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).target).toMatchObject({context: 'beta-sso', namespace: ns});
  });
});
