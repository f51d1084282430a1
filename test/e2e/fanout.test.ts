import {cliAuditEvents} from './audit.js';
import {copyFileSync, mkdtempSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubeconfig, kubectl, kubectlJson, runCli, runProcess, secret, uniqueName} from './support.js';
import {expectJsonOutput} from '../support/schemas.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** Namespaces named `<prefix>-<suffix>` on a context, deleted after the file. */
async function namespaces(context: string, prefix: string, ...suffixes: string[]): Promise<string[]> {
  const names = suffixes.map((s) => `${prefix}-${s}`);
  cleanups.push(await createNamespaces(context, ...names));
  return names;
}

async function getCm(context: string, namespace: string, name: string): Promise<any | undefined> {
  try {
    return await kubectlJson(['--context', context, '-n', namespace, 'get', 'configmap', name]);
  } catch {
    return undefined;
  }
}

async function kubeSystemUid(context: string): Promise<string> {
  return (await kubectlJson(['--context', context, 'get', 'namespace', 'kube-system'])).metadata.uid;
}

describe('fanout in one cluster', () => {
  it('copies into every selected namespace, is idempotent, propagates updates, and prunes on selector or label change', async () => {
    const alphaUid = await kubeSystemUid('alpha');
    const p = uniqueName('fo');
    const [src, a, b, c] = await namespaces('alpha', p, 'src', 'a', 'b', 'c');
    await kubectl(['--context', 'alpha', 'label', 'namespace', a, b, `fanout-${p}=yes`]);
    await apply('alpha', configMap(src, 'shared', {greeting: 'hello'}, {labels: {team: 'web'}}));

    const first = await runCli(['fanout', 'configmap/shared', '--context', 'alpha', '-n', src, '--namespace-regex', `^${p}-`, '--yes']);
    // Only the run's journal is mentioned: a fanout can be undone like a sync.
    expect(first.stderr).toMatch(/^journal saved as run (\S+); undo with: kubectl configsync undo \1\n$/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('3 created');
    for (const ns of [a, b, c]) {
      const copy = await getCm('alpha', ns, 'shared');
      expect(copy.data).toEqual({greeting: 'hello'});
      expect(copy.metadata.labels.team).toBe('web');
      expect(copy.metadata.labels['configsync.kubectl.dev/origin-name']).toBe('shared');
      expect(copy.metadata.labels['configsync.kubectl.dev/origin-namespace']).toBe(src);
      expect(JSON.parse(copy.metadata.annotations['configsync.kubectl.dev/origin'])).toEqual({
        kind: 'ConfigMap',
        name: 'shared',
        namespace: src,
        cluster: alphaUid,
      });
    }

    // Second run: no writes; requests are the source GET, one LIST of copies and one of namespaces.
    // Other suites' runs share the audit log: this run's requests are the ones its -v=6 log names.
    const before = (await cliAuditEvents('alpha')).length;
    const second = await runCli([
      'fanout',
      'configmap/shared',
      '--context',
      'alpha',
      '-n',
      src,
      '--namespace-regex',
      `^${p}-`,
      '--yes',
      '--v=6',
    ]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('nothing to write');
    // Other suites' runs share the audit log and may ask the same cluster-wide questions: what this
    // run asked is its -v=6 log; the server's log confirms each, and that this run's namespaces saw no write.
    const logged = [...second.stderr.matchAll(/request-log\] ([A-Z]+) https?:\/\/[^/\s]+(\/\S*)/g)].map((m) => ({method: m[1], uri: m[2]}));
    const since = (await cliAuditEvents('alpha')).slice(before);
    for (const request of logged)
      expect(
        since.some((e) => e.requestURI === request.uri),
        request.uri,
      ).toBe(true);
    expect(logged.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(logged.filter((r) => /^\/api\/v1\/configmaps\?/.test(r.uri))).toHaveLength(1);
    const inOurNamespaces = since.filter((e) => [src, a, b, c].includes(e.objectRef?.namespace ?? ''));
    expect(inOurNamespaces.filter((e) => ['create', 'update', 'patch', 'delete'].includes(e.verb))).toEqual([]);
    expect(inOurNamespaces.filter((e) => e.verb === 'get' && e.objectRef?.name === 'shared')).toHaveLength(1);

    // The source changes: every copy follows.
    await apply('alpha', configMap(src, 'shared', {greeting: 'bonjour'}, {labels: {team: 'web'}}));
    const third = await runCli(['fanout', 'configmap/shared', '--context', 'alpha', '-n', src, '--namespace-regex', `^${p}-`, '--yes']);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('3 updated');
    for (const ns of [a, b, c]) expect((await getCm('alpha', ns, 'shared')).data.greeting).toBe('bonjour');

    // A narrower selector prunes the copy no longer selected.
    const fourth = await runCli([
      'fanout',
      'configmap/shared',
      '--context',
      'alpha',
      '-n',
      src,
      '--namespace-selector',
      `fanout-${p}=yes`,
      '--yes',
    ]);
    expect(fourth.code).toBe(0);
    expect(fourth.stdout).toContain('1 pruned');
    expect(await getCm('alpha', c, 'shared')).toBeUndefined();

    // Removing the label from a namespace prunes its copy too.
    await kubectl(['--context', 'alpha', 'label', 'namespace', b, `fanout-${p}-`]);
    const fifth = await runCli([
      'fanout',
      'configmap/shared',
      '--context',
      'alpha',
      '-n',
      src,
      '--namespace-selector',
      `fanout-${p}=yes`,
      '--yes',
    ]);
    expect(fifth.code).toBe(0);
    expect(await getCm('alpha', b, 'shared')).toBeUndefined();
    expect(await getCm('alpha', a, 'shared')).toBeDefined();
    expect(await getCm('alpha', src, 'shared')).toBeDefined();

    // --delete removes the remaining copy and nothing else.
    const removed = await runCli(['fanout', '--delete', 'configmap/shared', '--context', 'alpha', '-n', src, '--yes']);
    expect(removed.code).toBe(0);
    expect(await getCm('alpha', a, 'shared')).toBeUndefined();
    expect((await getCm('alpha', src, 'shared')).data.greeting).toBe('bonjour');
  });

  it('-A plans every namespace but the system ones and the source; without a terminal it refuses to write', async () => {
    const p = uniqueName('fo');
    const [src, a] = await namespaces('alpha', p, 'src', 'a');
    await apply('alpha', configMap(src, 'plan-only', {k: 'v'}));
    const plan = await runCli(['fanout', 'configmap/plan-only', '--context', 'alpha', '-n', src, '-A', '--dry-run=client', '-o', 'json']);
    expect(plan.code).toBe(0);
    const doc = expectJsonOutput<any>('fanout-plan', plan.stdout);
    const namespacesPlanned = doc.entries.map((e: any) => e.namespace);
    expect(namespacesPlanned).toContain(a);
    expect(namespacesPlanned).toContain('default');
    expect(namespacesPlanned).not.toContain(src);
    expect(namespacesPlanned).not.toContain('kube-system');
    expect(await getCm('alpha', a, 'plan-only')).toBeUndefined();

    const refused = await runCli(['fanout', 'configmap/plan-only', '--context', 'alpha', '-n', src, '--to-namespace', a]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: refusing to fanout without confirmation: .*--yes\n$/m);
    expect(await getCm('alpha', a, 'plan-only')).toBeUndefined();
  });

  it('conflicts: skip (default, reported), overwrite (data only, unmarked), adopt (becomes a copy)', async () => {
    const p = uniqueName('fo');
    const [src, a] = await namespaces('alpha', p, 'src', 'a');
    await apply('alpha', configMap(src, 'cfg', {k: 'source'}));
    await apply('alpha', configMap(a, 'cfg', {k: 'theirs'}, {labels: {owner: 'them'}}));
    const args = ['fanout', 'configmap/cfg', '--context', 'alpha', '-n', src, '--to-namespace', a, '--yes'];

    const skipped = await runCli(args);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(/conflict\s+not a copy of this source: skipped/);
    expect((await getCm('alpha', a, 'cfg')).data.k).toBe('theirs');

    const overwritten = await runCli([...args, '--on-conflict', 'overwrite']);
    expect(overwritten.code).toBe(0);
    let object = await getCm('alpha', a, 'cfg');
    expect(object.data.k).toBe('source');
    expect(object.metadata.labels).toEqual({owner: 'them'});
    // Unmarked, so --delete leaves it alone.
    await runCli(['fanout', '--delete', 'configmap/cfg', '--context', 'alpha', '-n', src, '--yes']);
    expect(await getCm('alpha', a, 'cfg')).toBeDefined();

    const adopted = await runCli([...args, '--on-conflict', 'adopt']);
    expect(adopted.code).toBe(0);
    object = await getCm('alpha', a, 'cfg');
    expect(object.metadata.labels['configsync.kubectl.dev/origin-name']).toBe('cfg');
    const again = await runCli(args);
    expect(again.stderr).toContain('nothing to write');
  });

  it('copies Secrets with their type, never printing values, and keeps data exact', async () => {
    const p = uniqueName('fo');
    const [src, a] = await namespaces('alpha', p, 'src', 'a');
    await apply('alpha', secret(src, 'creds', {password: 's3cr3t-value'}, 'kubernetes.io/basic-auth'));
    const result = await runCli(['fanout', 'secret/creds', '--context', 'alpha', '-n', src, '--to-namespace', a, '--yes', '-o', 'yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('s3cr3t-value');
    const copy = await kubectlJson(['--context', 'alpha', '-n', a, 'get', 'secret', 'creds']);
    expect(copy.type).toBe('kubernetes.io/basic-auth');
    expect(Buffer.from(copy.data.password, 'base64').toString()).toBe('s3cr3t-value');
  });

  it('refuses the source itself and two contexts reaching the same API server and namespace', async () => {
    const p = uniqueName('fo');
    const [src, a] = await namespaces('alpha', p, 'src', 'a');
    await apply('alpha', configMap(src, 'cfg', {k: 'v'}));
    const self = await runCli(['fanout', 'configmap/cfg', '--context', 'alpha', '-n', src, '--to-namespace', src, '--yes']);
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(/is the source itself/);
    const twice = await runCli([
      'fanout',
      'configmap/cfg',
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'alpha,alpha-viewer',
      '--to-namespace',
      a,
      '--yes',
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/same place/);
    expect(await getCm('alpha', a, 'cfg')).toBeUndefined();
  });
});

describe('fanout across clusters', () => {
  it("copies into another context's own namespace", async () => {
    const p = uniqueName('fo');
    const [src] = await namespaces('alpha', p, 'src');
    const [team] = await namespaces('beta', p, 'team');
    await apply('alpha', configMap(src, 'cross', {k: 'v'}));
    // A kubeconfig whose beta context sets a namespace, as users' often do.
    const dir = mkdtempSync(join(tmpdir(), 'fanout-'));
    const config = join(dir, 'kubeconfig');
    copyFileSync(kubeconfig, config);
    const cluster = (
      await runProcess('/usr/bin/kubectl', [
        '--kubeconfig',
        config,
        'config',
        'view',
        '-o',
        'jsonpath={.contexts[?(@.name=="beta")].context.cluster}',
      ])
    ).stdout;
    const user = (
      await runProcess('/usr/bin/kubectl', [
        '--kubeconfig',
        config,
        'config',
        'view',
        '-o',
        'jsonpath={.contexts[?(@.name=="beta")].context.user}',
      ])
    ).stdout;
    await runProcess('/usr/bin/kubectl', [
      '--kubeconfig',
      config,
      'config',
      'set-context',
      'beta-team',
      `--cluster=${cluster}`,
      `--user=${user}`,
      `--namespace=${team}`,
    ]);

    const result = await runCli([
      'fanout',
      'configmap/cross',
      '--kubeconfig',
      config,
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'beta-team',
      '--yes',
    ]);
    expect(result.code).toBe(0);
    const copy = await getCm('beta', team, 'cross');
    expect(copy.data).toEqual({k: 'v'});
    // The readable label is the source cluster's identity (its kube-system UID), not a context name.
    expect(copy.metadata.labels['configsync.kubectl.dev/origin-cluster']).toBe(await kubeSystemUid('alpha'));

    const status = await runCli([
      'fanout',
      'status',
      'configmap/cross',
      '--kubeconfig',
      config,
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'beta-team',
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`beta-team\\s+${team}\\s+in sync`));
  });

  it('one read-only target fails (403), the other is written; every target reported, exit 4', async () => {
    const p = uniqueName('fo');
    const [src, t] = await namespaces('alpha', p, 'src', 't');
    await namespaces('beta', p, 't');
    await apply('alpha', configMap(src, 'partial', {k: 'v'}));
    const result = await runCli([
      'fanout',
      'configmap/partial',
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'alpha-viewer,beta',
      '--to-namespace',
      t,
      '--yes',
      // Nothing cut or wrapped, so the whole detail reads on one line.
      '-o',
      'wide',
    ]);
    expect(result.code).toBe(4);
    // The access review before writing finds it: the write is not even attempted.
    expect(result.stdout).toMatch(
      new RegExp(`alpha-viewer\\s+${t}\\s+error\\s+FAILED\\s+forbidden: you may not create configmaps in namespace "${t}"`),
    );
    expect(result.stderr).toContain(`warning: you can write 1 of 2 targets; not: alpha-viewer/${t} (create)`);
    expect(result.stdout).toMatch(new RegExp(`beta\\s+${t}\\s+create\\s+done`));
    expect(result.stderr).toMatch(/some targets failed/);
    expect(await getCm('beta', t, 'partial')).toBeDefined();
    expect(await getCm('alpha', t, 'partial')).toBeUndefined();
  });
});

describe('fanout failures and dry runs', () => {
  it('an unreachable cluster is one failed target; the others are written (exit 4)', async () => {
    const p = uniqueName('fo');
    const [src] = await namespaces('alpha', p, 'src');
    await namespaces('beta', p, 'src');
    await apply('alpha', configMap(src, 'reach', {k: 'v'}));
    const dir = mkdtempSync(join(tmpdir(), 'fanout-'));
    const config = join(dir, 'kubeconfig');
    copyFileSync(kubeconfig, config);
    const user = (
      await runProcess('/usr/bin/kubectl', [
        '--kubeconfig',
        config,
        'config',
        'view',
        '-o',
        'jsonpath={.contexts[?(@.name=="beta")].context.user}',
      ])
    ).stdout;
    // A port nothing listens on: connections are refused, as for a cluster that is down.
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as {port: number}).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    await runProcess('/usr/bin/kubectl', [
      '--kubeconfig',
      config,
      'config',
      'set-cluster',
      'gone',
      `--server=https://127.0.0.1:${port}`,
      '--insecure-skip-tls-verify=true',
    ]);
    await runProcess('/usr/bin/kubectl', ['--kubeconfig', config, 'config', 'set-context', 'gone', '--cluster=gone', `--user=${user}`]);
    const result = await runCli([
      'fanout',
      'configmap/reach',
      '--kubeconfig',
      config,
      '--context',
      'alpha',
      '-n',
      src,
      '--to-context',
      'gone,beta',
      '--yes',
    ]);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/gone\s+\*\s+error\s+FAILED\s+unreachable/);
    expect(result.stdout).toMatch(new RegExp(`beta\\s+${src}\\s+create\\s+done`));
    expect(await getCm('beta', src, 'reach')).toBeDefined();
  });

  it('--dry-run=server sends the writes for admission but stores nothing', async () => {
    const p = uniqueName('fo');
    const [src, a] = await namespaces('alpha', p, 'src', 'a');
    await apply('alpha', configMap(src, 'dry', {k: 'v'}));
    const result = await runCli([
      'fanout',
      'configmap/dry',
      '--context',
      'alpha',
      '-n',
      src,
      '--to-namespace',
      a,
      '--dry-run=server',
      '--yes',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('server dry run: nothing stored');
    // Validated by the server, not done: the same words as the action, in the conditional.
    expect(result.stdout).toMatch(/create\s+would create/);
    expect(result.stdout).not.toMatch(/\bdone\b|\bcreated\b/);
    expect(result.stdout).toContain('Result: would create 1, would update 0, would prune 0 (server-validated)');
    expect(await getCm('alpha', a, 'dry')).toBeUndefined();
  });
});

describe('fanout status', () => {
  it('reports in sync, edited locally, stale and orphaned copies, exit 1 when any is not in sync', async () => {
    const p = uniqueName('fo');
    const [src, a, b, c] = await namespaces('alpha', p, 'src', 'a', 'b', 'c');
    await apply('alpha', configMap(src, 'audited', {k: 'v1'}));
    await runCli(['fanout', 'configmap/audited', '--context', 'alpha', '-n', src, '--to-namespace', `${a},${b}`, '--yes']);
    const status = () => runCli(['fanout', 'status', 'configmap/audited', '--context', 'alpha', '-n', src, '-o', 'json']);

    let result = await status();
    expect(result.code).toBe(0);
    expect(expectJsonOutput<any>('fanout-status', result.stdout).summary).toEqual({
      'in-sync': 2,
      stale: 0,
      edited: 0,
      orphaned: 0,
      missing: 0,
    });

    // Given the targets, a target without a copy is missing.
    result = await runCli(['fanout', 'status', 'configmap/audited', '--context', 'alpha', '-n', src, '--namespace-regex', `^${p}-`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`alpha\\s+${c}\\s+missing \\(no copy\\)`));

    await kubectl(['--context', 'alpha', '-n', a, 'patch', 'configmap', 'audited', '--type=merge', '-p', '{"data":{"k":"by hand"}}']);
    await apply('alpha', configMap(src, 'audited', {k: 'v2'}));
    result = await status();
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).copies.map((c: any) => [c.namespace, c.state])).toEqual([
      [a, 'edited'],
      [b, 'stale'],
    ]);

    await kubectl(['--context', 'alpha', '-n', src, 'delete', 'configmap', 'audited']);
    result = await status();
    expect(result.code).toBe(1);
    expect(expectJsonOutput<any>('fanout-status', result.stdout).summary.orphaned).toBe(2);
  });
});

describe('fanout --from-annotations (Kubed migration)', () => {
  it('fans out objects annotated kubed.appscode.com/sync, adopting Kubed copies', async () => {
    const p = uniqueName('fo');
    const [src, a, b] = await namespaces('alpha', p, 'src', 'a', 'b');
    await kubectl(['--context', 'alpha', 'label', 'namespace', a, b, `kubed-${p}=yes`]);
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'kubed-cfg', namespace: src, annotations: {'kubed.appscode.com/sync': `kubed-${p}=yes`}},
        data: {k: 'v'},
      }),
    );
    // What Kubed left behind in one namespace.
    await apply(
      'alpha',
      configMap(
        a,
        'kubed-cfg',
        {k: 'old'},
        {labels: {'kubed.appscode.com/origin.name': 'kubed-cfg', 'kubed.appscode.com/origin.namespace': src}},
      ),
    );
    const result = await runCli(['fanout', '--from-annotations', '--context', 'alpha', '--yes']);
    expect(result.code).toBe(0);
    // kubed.appscode.com/sync-contexts: a copy in each context's namespace (here: the source's).
    await namespaces('beta', p, 'src');
    await apply(
      'alpha',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'kubed-ctx', namespace: src, annotations: {'kubed.appscode.com/sync-contexts': 'beta'}},
        data: {k: 'remote'},
      }),
    );
    const second = await runCli(['fanout', '--from-annotations', '--context', 'alpha', '--yes']);
    expect(second.code).toBe(0);
    expect((await getCm('beta', src, 'kubed-ctx'))?.data).toEqual({k: 'remote'});
    expect(await getCm('alpha', a, 'kubed-ctx')).toBeUndefined();
    for (const ns of [a, b]) {
      const copy = await getCm('alpha', ns, 'kubed-cfg');
      expect(copy.data.k).toBe('v');
      expect(copy.metadata.labels['configsync.kubectl.dev/origin-name']).toBe('kubed-cfg');
      expect(copy.metadata.annotations['kubed.appscode.com/sync']).toBeUndefined();
    }
  });
});
