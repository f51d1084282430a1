import {describe, expect, it} from 'vitest';
import {
  CHECKSUM_ANNOTATION,
  SOURCE_VERSION_ANNOTATION,
  ORIGIN_ANNOTATION,
  ORIGIN_LABELS,
  chooseTargets,
  copyMark,
  desiredCopy,
  isCopyOf,
  labelValue,
  originId,
  originSelector,
  planAnnotationRemoved,
  planFanout,
  planFanoutDelete,
  planFanoutStatus,
  type ClusterRead,
  type SourceRef,
} from '../../src/core/fanout-plan.js';
import {sha256} from '../../src/core/fingerprint.js';
import type {ConfigObject} from '../../src/core/types.js';
import {fanoutStatusDocument} from '../../src/core/contracts/fanout-documents.js';
import {expectSchema} from '../support/schemas.js';

const ref: SourceRef = {
  kind: 'ConfigMap',
  name: 'app',
  namespace: 'src',
  context: 'alpha',
  server: 'https://alpha:6443',
  cluster: 'uid-alpha',
};

function cm(namespace: string, data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject {
  return {kind: 'ConfigMap', name: 'app', namespace, labels: {}, annotations: {}, data, binaryData: {}, resourceVersion: '7', ...extra};
}

const source = cm('src', {a: '1'}, {labels: {team: 'web'}, annotations: {note: 'x'}});
const options = {onConflict: 'skip' as const, prune: true};

function cluster(objects: ConfigObject[], targets: string[], extra: Partial<ClusterRead> = {}): ClusterRead {
  return {context: 'alpha', server: ref.server, cluster: ref.cluster, targets, objects, ...extra};
}

describe('desiredCopy', () => {
  it('copies data and user metadata, marks the origin, and drops tool-owned keys', () => {
    const tooled = cm(
      'src',
      {a: '1'},
      {
        labels: {team: 'web', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/managed-by': 'Helm'},
        annotations: {
          note: 'x',
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          'meta.helm.sh/release-name': 'shop',
          'argocd.argoproj.io/tracking-id': 'y',
          'configsync.kubectl.dev/origin': 'stale',
          'kubed.appscode.com/sync': '',
        },
      },
    );
    const copy = desiredCopy(tooled, ref, 'team-a');
    expect(copy.namespace).toBe('team-a');
    expect(copy.data).toEqual({a: '1'});
    expect(copy.labels).toEqual({
      team: 'web',
      [ORIGIN_LABELS.id]: originId(ref),
      [ORIGIN_LABELS.name]: 'app',
      [ORIGIN_LABELS.namespace]: 'src',
      [ORIGIN_LABELS.cluster]: 'uid-alpha',
    });
    expect(Object.keys(copy.annotations).sort()).toEqual([CHECKSUM_ANNOTATION, ORIGIN_ANNOTATION, 'note']);
    // Neither context name nor URL: both differ between colleagues on one cluster.
    expect(JSON.parse(copy.annotations[ORIGIN_ANNOTATION])).toEqual({
      kind: 'ConfigMap',
      name: 'app',
      namespace: 'src',
      cluster: 'uid-alpha',
    });
    expect(isCopyOf(copy, ref)).toBe(true);
  });

  it('drops a lone app.kubernetes.io/instance label: under Argo CD label tracking it would get the copy pruned', () => {
    expect(
      desiredCopy(cm('src', {}, {labels: {'app.kubernetes.io/instance': 'shop'}}), ref, 'x').labels['app.kubernetes.io/instance'],
    ).toBeUndefined();
  });

  it('--strip-labels keeps only the origin marks', () => {
    const copy = desiredCopy(source, ref, 'x', {stripLabels: true});
    expect(copy.labels.team).toBeUndefined();
    expect(copy.annotations.note).toBeUndefined();
    expect(copy.labels[ORIGIN_LABELS.id]).toBe(originId(ref));
  });

  it('copies Secret type and binary data', () => {
    const secretSource: ConfigObject = {...cm('src', {k: 'v'}), kind: 'Secret', type: 'kubernetes.io/tls', binaryData: {bin: '/w=='}};
    const copy = desiredCopy(secretSource, {...ref, kind: 'Secret'}, 'x');
    expect(copy.type).toBe('kubernetes.io/tls');
    expect(copy.binaryData).toEqual({bin: '/w=='});
  });
});

describe('labelValue', () => {
  it('keeps valid values and hashes the rest into a valid one', () => {
    expect(labelValue('alpha')).toBe('alpha');
    const hashed = labelValue('arn:aws:eks:eu-west-1:123456789012:cluster/prod');
    expect(hashed).toMatch(/^sha256-[0-9a-f]{24}$/);
    expect(labelValue('x'.repeat(64))).toMatch(/^sha256-/);
  });
});

describe('isCopyOf', () => {
  it('needs both the id label and the exact reference', () => {
    const copy = desiredCopy(source, ref, 'team-a');
    expect(isCopyOf(copy, {...ref, namespace: 'other'})).toBe(false);
    expect(isCopyOf(copy, {...ref, cluster: 'uid-beta'})).toBe(false);
    // Another context name or host name for the same cluster: still our copy.
    expect(isCopyOf(copy, {...ref, context: 'alpha-admin', server: 'https://localhost:6443'})).toBe(true);
    expect(isCopyOf({...copy, annotations: {}}, ref)).toBe(false);
    expect(isCopyOf({...copy, kind: 'Secret'}, ref)).toBe(false);
  });
});

describe('planFanout', () => {
  it('creates where missing, leaves equal copies, updates stale ones, never targets the source', () => {
    const inSync = {...desiredCopy(source, ref, 'b'), resourceVersion: '3'};
    const stale = {...desiredCopy(cm('src', {a: '0'}), ref, 'c'), resourceVersion: '4'};
    const plan = planFanout(ref, source, [cluster([source, inSync, stale], ['a', 'b', 'c', 'src'])], options);
    expect(plan.entries.map((e) => [e.namespace, e.action])).toEqual([
      ['a', 'create'],
      ['b', 'unchanged'],
      ['c', 'update'],
    ]);
    const update = plan.entries[2];
    expect(update.changes).toEqual(['data', 'labels', 'annotations']);
    expect(update.object?.resourceVersion).toBe('4');
    expect(plan.summary).toEqual({create: 1, update: 1, unchanged: 1, prune: 0, conflict: 0, error: 0});
  });

  it('prunes only our copies of this exact source outside the selection, unless --no-prune', () => {
    const ours = desiredCopy(source, ref, 'old');
    const otherSource = desiredCopy(source, {...ref, namespace: 'elsewhere'}, 'other');
    const foreign = cm('mine', {a: '1'});
    const reads = [cluster([ours, otherSource, foreign], ['a'])];
    expect(
      planFanout(ref, source, reads, options)
        .entries.filter((e) => e.action === 'prune')
        .map((e) => e.namespace),
    ).toEqual(['old']);
    expect(planFanout(ref, source, reads, {...options, prune: false}).entries.some((e) => e.action === 'prune')).toBe(false);
  });

  it('prunes every copy when the source is gone', () => {
    const plan = planFanout(ref, undefined, [cluster([desiredCopy(source, ref, 'a'), cm('b', {})], ['a', 'b'])], {
      ...options,
      prune: false,
    });
    expect(plan.entries.map((e) => [e.namespace, e.action, e.reason])).toEqual([['a', 'prune', 'source gone']]);
  });

  it('handles a same-name object that is not a copy by policy', () => {
    const foreign = cm('a', {a: 'theirs'}, {labels: {keep: 'me'}, resourceVersion: '9'});
    const reads = [cluster([foreign], ['a'])];
    const skip = planFanout(ref, source, reads, options).entries[0];
    expect(skip).toMatchObject({action: 'conflict', conflict: 'skip', resourceVersion: '9'});
    expect(skip.object).toBeUndefined();

    const overwrite = planFanout(ref, source, reads, {...options, onConflict: 'overwrite'}).entries[0];
    expect(overwrite).toMatchObject({action: 'update', conflict: 'overwrite', changes: ['data']});
    expect(overwrite.object?.labels).toEqual({keep: 'me'});
    expect(overwrite.object?.data).toEqual({a: '1'});
    expect(overwrite.object?.resourceVersion).toBe('9');

    const adopt = planFanout(ref, source, reads, {...options, onConflict: 'adopt'}).entries[0];
    expect(adopt).toMatchObject({action: 'update', conflict: 'adopt'});
    expect(isCopyOf(adopt.object!, ref)).toBe(true);
  });

  it('an overwritten object whose data already matches is unchanged (idempotent)', () => {
    const foreign = cm('a', {a: '1'}, {labels: {keep: 'me'}});
    expect(planFanout(ref, source, [cluster([foreign], ['a'])], {...options, onConflict: 'overwrite'}).entries[0].action).toBe('unchanged');
  });

  it('adopts Kubed copies of the source when migrating', () => {
    const kubed = cm('a', {a: 'old'}, {labels: {'kubed.appscode.com/origin.name': 'app', 'kubed.appscode.com/origin.namespace': 'src'}});
    const entry = planFanout(ref, source, [cluster([kubed], ['a'])], {...options, adoptKubedCopies: true}).entries[0];
    expect(entry).toMatchObject({action: 'update', conflict: 'kubed-copy'});
    expect(entry.object?.labels['kubed.appscode.com/origin.name']).toBeUndefined();
  });

  it('recreates an immutable copy instead of updating it', () => {
    const immutable = {...desiredCopy(cm('src', {a: '0'}), ref, 'a'), immutable: true, resourceVersion: '5'};
    const entry = planFanout(ref, {...source, immutable: true}, [cluster([immutable], ['a'])], options).entries[0];
    expect(entry).toMatchObject({action: 'update', recreate: true, resourceVersion: '5'});
    expect(entry.object?.resourceVersion).toBeUndefined();
  });

  it('reports unreadable clusters and missing namespaces as errors', () => {
    const plan = planFanout(
      ref,
      source,
      [cluster([], [], {missing: ['nope']}), {...cluster([], []), context: 'beta', error: 'forbidden'}],
      options,
    );
    expect(plan.entries.map((e) => [e.context, e.namespace, e.action])).toEqual([
      ['alpha', 'nope', 'error'],
      ['beta', '*', 'error'],
    ]);
  });
});

describe('cluster identity', () => {
  it('--cluster-name labels copies readably; the identity alone decides ownership', () => {
    const named = desiredCopy(source, {...ref, clusterName: 'prod-eu'}, 'a');
    expect(named.labels[ORIGIN_LABELS.cluster]).toBe('prod-eu');
    expect(isCopyOf(named, ref)).toBe(true);
    // A later run without --cluster-name keeps the readable label: no rewrite.
    const entry = planFanout(ref, source, [cluster([{...named, resourceVersion: '3'}], ['a'])], options).entries[0];
    expect(entry.action).toBe('unchanged');
  });

  it('recognises copies an earlier version marked with the server URL and context name, and rewrites them once', () => {
    const legacyId = sha256(`ConfigMap\nhttps://alpha:6443\nsrc\napp`).slice(0, 40);
    const legacy = cm(
      'a',
      {a: '1'},
      {
        labels: {
          team: 'web',
          [ORIGIN_LABELS.id]: legacyId,
          [ORIGIN_LABELS.name]: 'app',
          [ORIGIN_LABELS.namespace]: 'src',
          [ORIGIN_LABELS.cluster]: 'alice-ctx',
        },
        annotations: {
          note: 'x',
          [ORIGIN_ANNOTATION]: JSON.stringify({
            kind: 'ConfigMap',
            name: 'app',
            namespace: 'src',
            context: 'alice-ctx',
            server: 'https://alpha:6443',
          }),
        },
      },
    );
    expect(copyMark(legacy, ref)).toBe('legacy');
    expect(originSelector(ref)).toContain(legacyId);
    // Known only under a URL this run reaches the cluster by.
    expect(copyMark(legacy, {...ref, server: 'https://localhost:6443'})).toBeUndefined();
    expect(copyMark(legacy, {...ref, server: 'https://localhost:6443', legacyServers: ['https://alpha:6443']})).toBe('legacy');
    const entry = planFanout(ref, source, [cluster([legacy], ['a'])], options).entries[0];
    expect(entry).toMatchObject({action: 'update', migrate: true});
    expect(copyMark(entry.object!, ref)).toBe('current');
    // The rewritten copy is stable under any context name.
    const again = planFanout(
      {...ref, context: 'bob-ctx'},
      source,
      [cluster([{...entry.object!, resourceVersion: '8'}], ['a'], {context: 'bob-ctx'})],
      options,
    );
    expect(again.entries[0].action).toBe('unchanged');
  });

  it('plans per cluster and namespace: contexts of one cluster never prune what another context of it selects', () => {
    // Four contexts, two per cluster, each its own namespace; every copy already there.
    const copies = ['n1', 'n2'].map((ns) => desiredCopy(source, ref, ns));
    const betaCopies = ['n3', 'n4'].map((ns) => desiredCopy(source, ref, ns));
    const reads: ClusterRead[] = [
      cluster(copies, ['n1'], {context: 'a1'}),
      cluster(copies, ['n2'], {context: 'a2'}),
      cluster(betaCopies, ['n3'], {context: 'b1', cluster: 'uid-beta'}),
      cluster(betaCopies, ['n4'], {context: 'b2', cluster: 'uid-beta'}),
    ];
    const plan = planFanout(ref, source, reads, options);
    expect(plan.summary).toEqual({create: 0, update: 0, unchanged: 4, prune: 0, conflict: 0, error: 0});
    expect(plan.entries.map((e) => [e.context, e.cluster, e.namespace])).toEqual([
      ['a1', 'uid-alpha', 'n1'],
      ['a2', 'uid-alpha', 'n2'],
      ['b1', 'uid-beta', 'n3'],
      ['b2', 'uid-beta', 'n4'],
    ]);
    // Dropping a2 from the run prunes its copy, once.
    const pruned = planFanout(
      ref,
      source,
      reads.filter((r) => r.context !== 'a2'),
      options,
    ).entries.filter((e) => e.action === 'prune');
    expect(pruned.map((e) => [e.cluster, e.namespace])).toEqual([['uid-alpha', 'n2']]);
  });

  it('prunes nothing while a context of the run could not be read (it may select any copy)', () => {
    const reads = [
      cluster([desiredCopy(source, ref, 'old')], ['a']),
      {...cluster([], []), context: 'other', cluster: undefined, error: 'unreachable'},
    ];
    expect(planFanout(ref, source, reads, options).entries.map((e) => e.action)).toEqual(['create', 'error']);
  });

  it('never plans the source, whichever context reaches its cluster', () => {
    const viaAlias = cluster([source], ['src', 'a'], {context: 'alpha-lh', server: 'https://localhost:6443'});
    expect(planFanout(ref, source, [viaAlias], options).entries.map((e) => e.namespace)).toEqual(['a']);
    expect(planFanout(ref, undefined, [viaAlias], options).entries).toEqual([]);
  });
});

describe('planAnnotationRemoved', () => {
  it('prunes copies written by --from-annotations whose source lost its Kubed annotation, and nothing else', () => {
    const viaAnnotations = desiredCopy(source, ref, 'a', {fromAnnotations: true});
    const plainFanout = desiredCopy(source, ref, 'b');
    const otherCluster = desiredCopy(source, {...ref, cluster: 'uid-beta'}, 'c', {fromAnnotations: true});
    const base = {context: 'alpha', server: ref.server, cluster: ref.cluster};
    const plans = planAnnotationRemoved(base, [viaAnnotations, plainFanout, otherCluster, source], () => false);
    expect(plans.flatMap((p) => p.entries.map((e) => [e.namespace, e.action, e.reason]))).toEqual([
      ['a', 'prune', 'the source no longer carries a Kubed annotation'],
    ]);
    expect(planAnnotationRemoved(base, [viaAnnotations], () => true)).toEqual([]);
  });

  it('prunes the copies in the other clusters read (sync-contexts) too, each through its own context', () => {
    const here = desiredCopy(source, ref, 'a', {fromAnnotations: true});
    const inBeta = desiredCopy(source, ref, 'src', {fromAnnotations: true});
    // A copy in beta of a source of another cluster is not this source's.
    const betaOwn = desiredCopy(source, {...ref, cluster: 'uid-beta'}, 'd', {fromAnnotations: true});
    const base = {context: 'alpha', server: ref.server, cluster: ref.cluster};
    const beta = {context: 'beta', cluster: 'uid-beta', objects: [inBeta, betaOwn]};
    const plans = planAnnotationRemoved(base, [here, source], () => false, [beta]);
    expect(plans.flatMap((p) => p.entries.map((e) => [e.context, e.cluster, e.namespace, e.action]))).toEqual([
      ['alpha', 'uid-alpha', 'a', 'prune'],
      ['beta', 'uid-beta', 'src', 'prune'],
    ]);
    // Only copies elsewhere: still pruned.
    expect(planAnnotationRemoved(base, [], () => false, [beta]).flatMap((p) => p.entries.map((e) => e.context))).toEqual(['beta']);
    expect(planAnnotationRemoved(base, [here], () => true, [beta])).toEqual([]);
  });
});

describe('chooseTargets', () => {
  const nss = (...names: string[]) => names.map((name) => ({name, labels: {}}));
  const alpha = {
    context: 'alpha',
    server: 'https://alpha:6443',
    cluster: 'uid-alpha',
    defaultNamespace: 'src',
    namespaces: nss('src', 'a', 'b'),
  };
  const beta = {context: 'beta', server: 'https://beta:6443', cluster: 'uid-beta', defaultNamespace: 'src', namespaces: nss('src', 'a')};

  it('defaults to the context namespace and leaves the source out of patterns', () => {
    expect(chooseTargets(ref, [beta], {})).toEqual([{context: 'beta', targets: ['src'], missing: [], terminating: []}]);
    expect(chooseTargets(ref, [alpha], {all: true})[0].targets).toEqual(['a', 'b']);
  });

  it('refuses the source itself when named', () => {
    expect(() => chooseTargets(ref, [alpha], {})).toThrow(/is the source itself/);
    expect(() => chooseTargets(ref, [alpha], {names: ['src']})).toThrow(/is the source itself/);
    // Another host name for the same API server: the identity says it is the source.
    expect(() => chooseTargets(ref, [{...alpha, context: 'alpha-lh', server: 'https://localhost:6443'}], {})).toThrow(
      /is the source itself: same cluster and namespace \(context "alpha-lh" reaches/,
    );
    // The same URL string on another cluster is not the source.
    expect(chooseTargets(ref, [{...alpha, cluster: 'uid-other'}], {})[0].targets).toEqual(['src']);
  });

  it('refuses two contexts that reach the same cluster and namespace', () => {
    const twin = {...beta, context: 'beta-admin', server: 'https://127.0.0.1:6443'};
    expect(() => chooseTargets(ref, [beta, twin], {names: ['a']})).toThrow(/same place/);
    // The same server with different context namespaces is fine.
    expect(chooseTargets(ref, [beta, {...twin, defaultNamespace: 'a'}], {}).map((c) => c.targets)).toEqual([['src'], ['a']]);
  });
});

describe('planFanoutStatus and planFanoutDelete', () => {
  it('classifies copies: in sync, stale, edited, orphaned', () => {
    const inSync = desiredCopy(source, ref, 'a');
    const stale = desiredCopy(cm('src', {a: '0'}), ref, 'b');
    const edited = {...desiredCopy(source, ref, 'c'), data: {a: 'hand-edited'}};
    const copies = [inSync, stale, edited, cm('d', {})].map((object) => ({context: 'beta', cluster: 'uid-beta', object}));
    const status = planFanoutStatus(ref, source, copies);
    expect(status.copies.map((c) => [c.namespace, c.state])).toEqual([
      ['a', 'in-sync'],
      ['b', 'stale'],
      ['c', 'edited'],
    ]);
    expect(planFanoutStatus(ref, undefined, copies).summary.orphaned).toBe(3);
    expectSchema('fanout-status', JSON.parse(JSON.stringify(fanoutStatusDocument(status, [{context: 'gamma', message: 'unreachable'}]))));
  });

  it('checks Secret copies against the live source: no digest of Secret data on the copy or in the status', () => {
    const secretRef: SourceRef = {...ref, kind: 'Secret'};
    const secretSource: ConfigObject = {...cm('src', {pin: '4711'}), kind: 'Secret', type: 'Opaque', resourceVersion: '20'};
    const copy = desiredCopy(secretSource, secretRef, 'a');
    expect(copy.annotations[CHECKSUM_ANNOTATION]).toBeUndefined();
    expect(copy.annotations[SOURCE_VERSION_ANNOTATION]).toBe('20');
    const inSync = copy;
    const stale = desiredCopy({...secretSource, data: {pin: '0000'}, resourceVersion: '19'}, secretRef, 'b');
    const edited = {...desiredCopy(secretSource, secretRef, 'c'), data: {pin: '9999'}};
    // Written by an older version, with a plain checksum: still judged by its data, and rewritten without it.
    const legacy = {...desiredCopy(secretSource, secretRef, 'd'), annotations: {...copy.annotations, [CHECKSUM_ANNOTATION]: 'sha256:00'}};
    const status = planFanoutStatus(
      secretRef,
      secretSource,
      [inSync, stale, edited, legacy].map((object) => ({context: 'beta', cluster: 'uid-beta', object})),
    );
    expect(status.copies.map((c) => [c.namespace, c.state])).toEqual([
      ['a', 'in-sync'],
      ['b', 'stale'],
      ['c', 'edited'],
      ['d', 'in-sync'],
    ]);
    expect(status.copies.every((c) => c.recorded === undefined && /^hmac-sha256:/.test(c.actual ?? ''))).toBe(true);
    expect(status.source.checksum).toMatch(/^hmac-sha256:/);
    const plan = planFanout(secretRef, secretSource, [cluster([legacy], ['d'])], options);
    expect(plan.entries[0]).toMatchObject({action: 'update', changes: ['annotations']});
    expect(plan.entries[0].object?.annotations[CHECKSUM_ANNOTATION]).toBeUndefined();
  });

  it('one row per copy, however many contexts of its cluster saw it', () => {
    const copy = desiredCopy(source, ref, 'a');
    const copies = ['alpha', 'alpha-lh', 'alpha-viewer'].map((context) => ({context, cluster: 'uid-alpha', object: copy}));
    expect(planFanoutStatus(ref, source, copies).copies.map((c) => [c.context, c.namespace])).toEqual([['alpha', 'a']]);
  });

  it('reports expected targets without a copy as missing, whichever context of that cluster found it', () => {
    const copies = [{context: 'alpha', cluster: 'uid-alpha', object: desiredCopy(source, ref, 'a')}];
    const expected = [
      {context: 'alpha-viewer', cluster: 'uid-alpha', namespace: 'a'},
      {context: 'alpha-viewer', cluster: 'uid-alpha', namespace: 'b'},
    ];
    expect(planFanoutStatus(ref, source, copies, expected).copies.map((c) => [c.context, c.namespace, c.state])).toEqual([
      ['alpha', 'a', 'in-sync'],
      ['alpha-viewer', 'b', 'missing'],
    ]);
  });

  it('deletes only copies of this source', () => {
    const plan = planFanoutDelete(ref, [
      {
        context: 'beta',
        cluster: 'uid-beta',
        objects: [desiredCopy(source, ref, 'a'), cm('b', {}), desiredCopy(source, {...ref, name: 'x'}, 'c')],
      },
    ]);
    expect(plan.entries.map((e) => [e.namespace, e.action])).toEqual([['a', 'prune']]);
  });

  it('deletes each copy once, and never the source even when it carries our marks', () => {
    const marked = {...source, ...desiredCopy(source, ref, 'src')};
    const copy = desiredCopy(source, ref, 'a');
    const plan = planFanoutDelete(ref, [
      {context: 'alpha', cluster: 'uid-alpha', objects: [marked, copy]},
      {context: 'alpha-lh', cluster: 'uid-alpha', objects: [marked, copy]},
    ]);
    expect(plan.entries.map((e) => [e.context, e.namespace])).toEqual([['alpha', 'a']]);
  });
});
