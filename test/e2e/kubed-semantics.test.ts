// Kubed's meaning where users rely on it. The annotated sources live in beta, so runs of other
// tests (which migrate from alpha) never pick them up; every run here is a plan only.
import {afterAll, describe, expect, it} from 'vitest';
import {apply, createNamespaces, kubectl, kubectlJson, runCli, uniqueName} from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function annotated(namespace: string, name: string, annotations: Record<string, string>): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace, annotations}, data: {k: 'v'}});
}

describe('fanout --from-annotations', () => {
  it('"true" means every namespace (system ones excluded); one bad annotation names its object and the rest is planned (exit 4)', async () => {
    const p = uniqueName('kb');
    const [src, other] = [`${p}-src`, `${p}-other`];
    cleanups.push(await createNamespaces('beta', src, other));
    await apply('beta', annotated(src, 'everywhere', {'kubed.appscode.com/sync': 'true'}));
    await apply('beta', annotated(src, 'bad-context', {'kubed.appscode.com/sync-contexts': 'no-such-context'}));
    const result = await runCli(['fanout', '--from-annotations', '--context', 'beta', '--dry-run=client', '-o', 'json']);
    // Take the sources away at once (a namespace being deleted keeps its objects a while): a later
    // migration with --yes must never copy "everywhere" into every namespace of the test bed.
    await kubectl(['--context', 'beta', '-n', src, 'delete', 'configmap', 'everywhere', 'bad-context']);
    expect(result.code).toBe(4);
    const plans = JSON.parse(result.stdout) as any[];
    const everywhere = plans.find((d) => d.source.name === 'everywhere' && d.source.namespace === src);
    const planned = everywhere.entries.map((e: any) => e.namespace);
    expect(planned).toContain(other);
    expect(planned).toContain('default');
    expect(planned).not.toContain('kube-system');
    expect(planned).not.toContain(src);
    const bad = plans.find((d) => d.source.name === 'bad-context' && d.source.namespace === src);
    expect(bad.entries).toEqual([
      expect.objectContaining({
        action: 'error',
        namespace: src,
        reason: expect.stringContaining(`configmap/bad-context in beta/${src}: unknown context "no-such-context"`),
      }),
    ]);
  });

  it('removing the Kubed annotation prunes the copies it made; a plain fanout copy of the same name stays', async () => {
    const p = uniqueName('kb');
    const [src, a, b] = [`${p}-src`, `${p}-a`, `${p}-b`];
    cleanups.push(await createNamespaces('beta', src, a, b));
    await kubectl(['--context', 'beta', 'label', 'namespace', a, `kubed-${p}=yes`]);
    await apply('beta', annotated(src, 'followed', {'kubed.appscode.com/sync': `kubed-${p}=yes`}));
    const migrate = ['fanout', '--from-annotations', '--context', 'beta', '--yes'];
    const first = await runCli(migrate);
    expect(first.code, first.stderr).toBe(0);
    expect((await kubectlJson(['--context', 'beta', '-n', a, 'get', 'configmap', 'followed'])).data).toEqual({k: 'v'});
    // A copy made by a plain fanout into b is not the annotation's to remove.
    expect(
      (await runCli(['fanout', 'configmap/followed', '--context', 'beta', '-n', src, '--to-namespace', b, '--no-prune', '--yes'])).code,
    ).toBe(0);

    await kubectl(['--context', 'beta', '-n', src, 'annotate', 'configmap', 'followed', 'kubed.appscode.com/sync-']);
    const plan = await runCli([...migrate.slice(0, -1), '--dry-run=client', '-o', 'json']);
    const prunes = (JSON.parse(plan.stdout) as any[])
      .filter((d) => d.source.name === 'followed' && d.source.namespace === src)
      .flatMap((d) => d.entries);
    expect(prunes).toEqual([
      expect.objectContaining({namespace: a, action: 'prune', reason: 'the source no longer carries a Kubed annotation'}),
    ]);
    const second = await runCli(migrate);
    expect(second.code, second.stderr).toBe(0);
    expect(await kubectl(['--context', 'beta', '-n', a, 'get', 'configmap', 'followed', '--ignore-not-found'])).toBe('');
    expect((await kubectlJson(['--context', 'beta', '-n', b, 'get', 'configmap', 'followed'])).data).toEqual({k: 'v'});
    expect((await kubectlJson(['--context', 'beta', '-n', src, 'get', 'configmap', 'followed'])).data).toEqual({k: 'v'});
  });

  it('target flags beside --from-annotations are refused, not ignored', async () => {
    for (const flags of [['-n', 'x'], ['--to-context', 'alpha'], ['-A'], ['--exclude-namespace', 'x']]) {
      const result = await runCli(['fanout', '--from-annotations', '--context', 'beta', ...flags, '--dry-run=client']);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: --from-annotations takes its targets from the Kubed annotations; remove --/m);
    }
  });
});
