// Kubed's meaning where users rely on it. The annotated sources live in beta, so runs of other
// tests (which migrate from alpha) never pick them up; every run here is a plan only.
import {afterAll, describe, expect, it} from 'vitest';
import {apply, createNamespaces, runCli, uniqueName} from './support.js';

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
    cleanups[cleanups.length - 1]().catch(() => undefined); // take the sources away at once
    expect(result.code).toBe(4);
    const plans = JSON.parse(result.stdout) as any[];
    const everywhere = plans.find((d) => d.source.name === 'everywhere' && d.source.namespace === src);
    const planned = everywhere.entries.map((e: any) => e.namespace);
    expect(planned).toContain(other);
    expect(planned).toContain('default');
    expect(planned).not.toContain('kube-system');
    expect(planned).not.toContain(src);
    const bad = plans.find((d) => d.source.name === 'bad-context' && d.source.namespace === src);
    expect(bad.entries).toEqual([expect.objectContaining({action: 'error', namespace: src, reason: expect.stringContaining(`configmap/bad-context in beta/${src}: unknown context "no-such-context"`)})]);
  });

  it('target flags beside --from-annotations are refused, not ignored', async () => {
    for (const flags of [['-n', 'x'], ['--to-context', 'alpha'], ['-A'], ['--exclude-namespace', 'x']]) {
      const result = await runCli(['fanout', '--from-annotations', '--context', 'beta', ...flags, '--dry-run=client']);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: --from-annotations takes its targets from the Kubed annotations; remove --/m);
    }
  });
});
