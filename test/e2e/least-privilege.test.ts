// A user allowed into a few namespaces only (RoleBindings of "edit"): fanout to named targets
// works without cluster-scoped reads, and an access review says what may not be written.
import {settledAuditEvents, type AuditEvent} from './audit.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, kubectl, kubectlJson, runCli, uniqueName} from './support.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const p = uniqueName('lp');
const [src, t1, t2, closed] = ['src', 't1', 't2', 'closed'].map((s) => `${p}-${s}`);
const user = `${p}-user`;
let config: string;

async function getCm(namespace: string, name: string): Promise<any | undefined> {
  try {
    return await kubectlJson(['--context', 'alpha', '-n', namespace, 'get', 'configmap', name]);
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', src, t1, t2, closed));
  for (const ns of [src, t1, t2])
    await kubectl(['--context', 'alpha', '-n', ns, 'create', 'rolebinding', 'edit', '--clusterrole=edit', `--user=${user}`]);
  const extra = kubeconfigWith([{name: 'limited', like: 'alpha', as: user}]);
  cleanups.push(extra.cleanup);
  config = extra.path;
});

/** What the API server's audit log shows this (impersonated) user asked for, all of it (see audit.ts). */
async function requestsOf(username: string): Promise<AuditEvent[]> {
  return (await settledAuditEvents('alpha')).filter((e) => e.impersonatedUser?.username === username);
}

const fanout = (name: string, ...args: string[]) =>
  runCli(['fanout', `configmap/${name}`, '--kubeconfig', config, '--context', 'limited', '-n', src, ...args]);

describe('a namespace-scoped user', () => {
  it('fans out to named namespaces without any cluster-scoped LIST (exit 0)', async () => {
    await apply('alpha', configMap(src, 'shared', {k: 'v'}));
    const result = await fanout('shared', '--to-namespace', `${t1},${t2}`, '--yes');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('2 created');
    expect(result.stderr).toMatch(
      /note: context "limited": may not read namespace kube-system; identifying the cluster by its server URL and CA/,
    );
    expect(result.stderr).toMatch(
      /warning: context limited: may not list configmaps in all namespaces, so no copy outside the named targets is pruned/,
    );
    // The API server saw no cluster-scoped LIST from this user.
    const requests = await requestsOf(user);
    expect(requests.some((e) => e.verb === 'get' && e.objectRef?.namespace === src)).toBe(true);
    expect(requests.filter((e) => e.verb === 'list' && !e.objectRef?.namespace).map((e) => String(e.requestURI))).toEqual([]);
    for (const ns of [t1, t2]) expect((await getCm(ns, 'shared')).data).toEqual({k: 'v'});
    const again = await fanout('shared', '--to-namespace', `${t1},${t2}`, '--yes');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to write');
  });

  it('the access review says "you can write 2 of 3 targets" in the dry run and -o json; the run writes those (exit 4)', async () => {
    await apply('alpha', configMap(src, 'partly', {k: 'v'}));
    const targets = ['--to-namespace', `${t1},${t2},${closed}`];
    const plan = await fanout('partly', ...targets, '--dry-run=client', '-o', 'json');
    expect(plan.code).toBe(4);
    const doc = JSON.parse(plan.stdout);
    expect(doc.preflight).toEqual({total: 3, writable: 2, denied: [{context: 'limited', namespace: closed, verbs: ['create']}]});
    expect(plan.stderr).toContain(`warning: you can write 2 of 3 targets; not: limited/${closed} (create)`);
    expect(await getCm(t1, 'partly')).toBeUndefined();

    const written = await fanout('partly', ...targets, '--yes');
    expect(written.code).toBe(4);
    expect(written.stdout).toMatch(
      new RegExp(`${closed}\\s+error\\s+FAILED\\s+forbidden: you may not create configmaps in namespace "${closed}"`),
    );
    for (const ns of [t1, t2]) expect(await getCm(ns, 'partly')).toBeDefined();
    expect(await getCm(closed, 'partly')).toBeUndefined();
  });

  it('--all-or-nothing writes none of them (exit 3)', async () => {
    await apply('alpha', configMap(src, 'whole', {k: 'v'}));
    const result = await fanout('whole', '--to-namespace', `${t1},${closed}`, '--all-or-nothing', '--yes');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^error: you can write 1 of 2 targets; not: limited\/\S+ \(create\); nothing was written \(--all-or-nothing\)$/m,
    );
    expect(await getCm(t1, 'whole')).toBeUndefined();
  });
});
