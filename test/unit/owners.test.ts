// Owner detection, one case per owner with the marks its controller writes, and the rules built on it.
import {describe, expect, it} from 'vitest';
import {whoSetKey, withOwnership} from '../../src/core/blame.js';
import {diffLocations} from '../../src/core/diff.js';
import {OwnedTargetsError} from '../../src/core/errors.js';
import {desiredCopy, planTarget, type SourceRef} from '../../src/core/fanout-plan.js';
import {detectOwner, isOwnerMark, ownedRefusals, ownerWarning, type OwnerMeaning, type OwnerTool} from '../../src/core/owners.js';
import {planSync} from '../../src/core/sync-plan.js';
import type {ConfigObject} from '../../src/core/types.js';
import {admitOwnedTargets, WritePath} from '../../src/kube/write-path.js';
import {MemoryCluster} from '../support/memory-cluster.js';

const object = (extra: Partial<ConfigObject> = {}, kind: ConfigObject['kind'] = 'ConfigMap'): ConfigObject => ({
  kind,
  name: 'app',
  namespace: 'prod',
  labels: {},
  annotations: {},
  data: {LOG_LEVEL: 'info'},
  binaryData: {},
  ...extra,
});
const ownerRef = (apiVersion: string, kind: string, name: string) => ({
  apiVersion,
  kind,
  name,
  uid: 'u-1',
  controller: true,
  blockOwnerDeletion: true,
});

const cases: Array<[string, ConfigObject, OwnerTool, OwnerMeaning, string | undefined]> = [
  [
    'Argo CD, annotation tracking',
    object({annotations: {'argocd.argoproj.io/tracking-id': 'guestbook:/ConfigMap:prod/app'}}),
    'argocd',
    'reverts',
    'guestbook',
  ],
  ['Argo CD, label tracking', object({labels: {'app.kubernetes.io/instance': 'guestbook'}}), 'argocd', 'prunes', 'guestbook'],
  [
    'Flux Kustomization',
    object({labels: {'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system'}}),
    'flux-kustomize',
    'reverts',
    'flux-system/apps',
  ],
  [
    'Flux HelmRelease (over Helm’s own marks)',
    object({
      labels: {'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'prod'},
      annotations: {'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'prod'},
    }),
    'flux-helm',
    'reverts',
    'prod/web',
  ],
  [
    'Helm',
    object({
      labels: {'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'web'},
      annotations: {'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'prod'},
    }),
    'helm',
    'records',
    'prod/web',
  ],
  [
    'External Secrets Operator',
    object(
      {
        labels: {'reconcile.external-secrets.io/managed': 'true'},
        annotations: {'reconcile.external-secrets.io/data-hash': 'abc'},
        ownerReferences: [ownerRef('external-secrets.io/v1', 'ExternalSecret', 'db')],
      },
      'Secret',
    ),
    'external-secrets',
    'overwrites',
    'ExternalSecret prod/db',
  ],
  [
    'Sealed Secrets',
    object({ownerReferences: [ownerRef('bitnami.com/v1alpha1', 'SealedSecret', 'app')]}, 'Secret'),
    'sealed-secrets',
    'overwrites',
    'SealedSecret prod/app',
  ],
  [
    'Vault Secrets Operator',
    object(
      {
        labels: {
          'app.kubernetes.io/component': 'secret-sync',
          'app.kubernetes.io/managed-by': 'hashicorp-vso',
          'app.kubernetes.io/name': 'vault-secrets-operator',
          'secrets.hashicorp.com/vso-ownerRefUID': 'u-1',
        },
        ownerReferences: [ownerRef('secrets.hashicorp.com/v1beta1', 'VaultStaticSecret', 'db')],
      },
      'Secret',
    ),
    'vault-secrets-operator',
    'overwrites',
    'VaultStaticSecret prod/db',
  ],
  [
    'cert-manager',
    object(
      {
        annotations: {
          'cert-manager.io/certificate-name': 'web-tls',
          'cert-manager.io/issuer-name': 'letsencrypt',
          'cert-manager.io/issuer-kind': 'ClusterIssuer',
        },
      },
      'Secret',
    ),
    'cert-manager',
    'overwrites',
    'Certificate prod/web-tls',
  ],
  [
    'Kyverno generate',
    object({
      labels: {
        'app.kubernetes.io/managed-by': 'kyverno',
        'generate.kyverno.io/policy-name': 'add-config',
        'generate.kyverno.io/rule-name': 'gen',
        'generate.kyverno.io/trigger-kind': 'Namespace',
      },
    }),
    'kyverno',
    'reverts',
    'add-config/gen',
  ],
  [
    'Reflector mirror',
    object({
      annotations: {
        'reflector.v1.k8s.emberstack.com/reflects': 'shared/app',
        'reflector.v1.k8s.emberstack.com/reflected-version': '123',
        'reflector.v1.k8s.emberstack.com/reflected-at': '"2026-01-01T00:00:00Z"',
      },
    }),
    'reflector',
    'overwrites',
    'shared/app',
  ],
  [
    'Reflector source',
    object({annotations: {'reflector.v1.k8s.emberstack.com/reflection-allowed': 'true'}}),
    'reflector',
    'records',
    'prod/app',
  ],
  [
    'Replicator copy',
    object({
      annotations: {
        'replicator.v1.mittwald.de/replicated-at': '2026-01-01T00:00:00Z',
        'replicator.v1.mittwald.de/replicated-from-version': '42',
      },
    }),
    'replicator',
    'overwrites',
    undefined,
  ],
  [
    'Replicator pull target',
    object({annotations: {'replicator.v1.mittwald.de/replicate-from': 'shared/app'}}),
    'replicator',
    'overwrites',
    'shared/app',
  ],
  [
    'Kubed copy',
    object({
      labels: {
        'kubed.appscode.com/origin.name': 'app',
        'kubed.appscode.com/origin.namespace': 'shared',
        'kubed.appscode.com/origin.cluster': 'c1',
      },
    }),
    'kubed',
    'overwrites',
    'shared/app',
  ],
  [
    'ClusterSecret copy',
    object({annotations: {'clustersecret.io/created-by': 'ClusterSecrets', 'clustersecret.io/version': 'v0.0.12'}}, 'Secret'),
    'clustersecret',
    'overwrites',
    undefined,
  ],
];

describe('detectOwner', () => {
  it.each(cases)('%s', (_name, target, tool, meaning, instance) => {
    const owner = detectOwner(target);
    expect(owner).toMatchObject({tool, meaning});
    expect(owner?.instance).toBe(instance);
    expect(owner?.markers.length).toBeGreaterThan(0);
  });

  it('names nobody for an object with only its own labels', () => {
    expect(detectOwner(object({labels: {team: 'a', 'app.kubernetes.io/name': 'web'}}))).toBeUndefined();
  });

  it('does not take a copied Argo CD tracking id as ownership (Argo CD ignores it too)', () => {
    const copied = object({namespace: 'staging', annotations: {'argocd.argoproj.io/tracking-id': 'guestbook:/ConfigMap:prod/app'}});
    expect(detectOwner(copied)).toMatchObject({tool: 'argocd', meaning: 'records'});
  });
});

describe('warnings and the way out', () => {
  it('gives Argo CD the ignoreDifferences snippet with the tool’s field manager', () => {
    const target = cases[0][1];
    const text = ownerWarning(detectOwner(target)!, target, ['LOG_LEVEL'], 'my-manager')!;
    expect(text).toContain('Argo CD application guestbook');
    expect(text).toContain('ignoreDifferences:');
    expect(text).toContain('managedFieldsManagers:\n      - my-manager');
    expect(text).toContain('RespectIgnoreDifferences=true');
  });

  it('gives a Flux HelmRelease the drift-ignore paths of the keys written', () => {
    const target = cases[3][1];
    const text = ownerWarning(detectOwner(target)!, target, ['LOG_LEVEL', 'a/b'], 'kubectl-configsync')!;
    expect(text).toContain('driftDetection:');
    expect(text).toContain('- paths: ["/data/LOG_LEVEL", "/data/a~1b"]');
  });

  it('points a copy at its source', () => {
    const target = cases[10][1];
    expect(ownerWarning(detectOwner(target)!, target, [], 'kubectl-configsync')).toContain('change the source shared/app instead');
  });

  it('has none for owners that only record', () => {
    const target = cases[4][1];
    expect(ownerWarning(detectOwner(target)!, target, [], 'kubectl-configsync')).toBeUndefined();
  });
});

describe('the refusal rule', () => {
  it('refuses every owner that reverts or overwrites, one line each, and none with --force-owned', () => {
    const owned = cases.map(([name, target]) => ({where: name, owner: detectOwner(target)!}));
    const contested = owned.filter((o) => o.owner.meaning === 'reverts' || o.owner.meaning === 'overwrites');
    const lines = ownedRefusals(owned, false);
    expect(lines).toHaveLength(contested.length);
    for (const line of lines)
      expect(line).toMatch(/^refusing to write .*: owned by .*pass --force-owned to write it anyway; nothing was written$/);
    expect(ownedRefusals(owned, true)).toEqual([]);
  });

  it('lets a command take over the owner it replaces by design, and only that one', () => {
    const owned = cases.map(([name, target]) => ({where: name, owner: detectOwner(target)!}));
    const lines = ownedRefusals(owned, ['kubed']);
    expect(lines).toHaveLength(ownedRefusals(owned, false).length - 1);
    expect(lines.some((l) => l.includes('Kubed'))).toBe(false);
  });

  it('is applied by the write path to every write, whatever the command', async () => {
    const cluster = new MemoryCluster('alpha');
    const stored = cluster.put(cases[2][1]);
    const writer = new WritePath({mode: 'server', fieldManager: 'kubectl-configsync'});
    await expect(writer.update(cluster, stored, {...stored, data: {LOG_LEVEL: 'debug'}})).rejects.toBeInstanceOf(OwnedTargetsError);
    await expect(writer.delete(cluster, stored)).rejects.toBeInstanceOf(OwnedTargetsError);
    expect(cluster.requests).toEqual([]);
    const forced = new WritePath({mode: 'server', fieldManager: 'kubectl-configsync', forceOwned: true});
    await forced.update(cluster, stored, {...stored, data: {LOG_LEVEL: 'debug'}});
    expect(cluster.requests).toHaveLength(1);
  });

  it('refuses before anything when any target is owned, with exit 2', () => {
    const refuse = () =>
      admitOwnedTargets(
        [
          {object: object(), where: 'configmap/app in alpha/a'},
          {object: cases[0][1], where: 'configmap/app in alpha/prod'},
        ],
        false,
      );
    expect(refuse).toThrow(OwnedTargetsError);
    try {
      refuse();
    } catch (error) {
      expect((error as OwnedTargetsError).exitCode).toBe(2);
      expect((error as OwnedTargetsError).lines).toHaveLength(1);
    }
  });
});

const location = (namespace: string) => ({context: 'alpha', namespace, label: namespace});
/** A sync of `source` (from prod) into an empty namespace. */
const report = (source: ConfigObject) =>
  diffLocations(location('prod'), location('team-a'), [source], [], {kinds: [source.kind], showSecrets: false, salt: 's'});

describe('copies never carry an owner’s tracking marks', () => {
  const ref: SourceRef = {
    kind: 'ConfigMap',
    name: 'app',
    namespace: 'prod',
    context: 'alpha',
    server: 'https://alpha',
    cluster: 'uid-alpha',
  };
  it.each(cases)('%s', (_name, source) => {
    const copy = desiredCopy({...source, namespace: 'prod'}, ref, 'team-a');
    expect(detectOwner(copy)).toBeUndefined();
    for (const key of [...Object.keys(copy.labels), ...Object.keys(copy.annotations)]) expect(isOwnerMark(key)).toBe(false);
    const synced = planSync(report(source), [source], [], {keys: () => true, prune: false, recreate: false}, {now: new Date()}).writes[0]
      .desired;
    expect(detectOwner(synced)).toBeUndefined();
    for (const key of [...Object.keys(synced.labels), ...Object.keys(synced.annotations)]) expect(isOwnerMark(key)).toBe(false);
  });

  it('names the owner of an existing target in the fanout plan', () => {
    const existing = {
      ...cases[0][1],
      namespace: 'team-a',
      resourceVersion: '7',
      annotations: {'argocd.argoproj.io/tracking-id': 'guestbook:/ConfigMap:team-a/app'},
    };
    const entry = planTarget(ref, object(), 'alpha', 'team-a', existing, {onConflict: 'overwrite', prune: false});
    expect(entry.owner).toMatchObject({tool: 'argocd', meaning: 'reverts'});
    expect(entry.ownerWarning).toContain('ignoreDifferences');
  });
});

describe('blame', () => {
  const fields = (...keys: string[]) => ({'f:data': Object.fromEntries(keys.map((k) => [`f:${k}`, {}]))});
  const managed = object({
    managedFields: [
      {manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-01-01T00:00:00.000Z', fieldsV1: fields('LOG_LEVEL', 'A')},
      {manager: 'alice', operation: 'Update', time: '2026-01-02T00:00:00.000Z', fieldsV1: fields('LOG_LEVEL')},
      {manager: 'kubelet', operation: 'Update', time: '2026-01-03T00:00:00.000Z', subresource: 'status', fieldsV1: fields('LOG_LEVEL')},
    ],
  });

  it('names the manager that last set a key, ignoring subresources', () => {
    expect(whoSetKey(managed, 'LOG_LEVEL')).toEqual({manager: 'alice', operation: 'Update', time: '2026-01-02T00:00:00.000Z'});
    expect(whoSetKey(managed, 'A')?.manager).toBe('kubectl-client-side-apply');
    expect(whoSetKey(managed, 'B')).toBeUndefined();
    expect(whoSetKey(object({managedFields: [{manager: 'x', fieldsV1: {'f:binaryData': {'f:bin': {}}}}]}), 'bin')?.manager).toBe('x');
  });

  it('adds owners and setters to the report', () => {
    const source = object({data: {LOG_LEVEL: 'debug'}, namespace: 'staging'});
    const target = {...managed, annotations: {'argocd.argoproj.io/tracking-id': 'guestbook:/ConfigMap:prod/app'}};
    const report = diffLocations(location('staging'), location('prod'), [source], [target], {
      kinds: ['ConfigMap'],
      showSecrets: false,
      salt: 's',
    });
    const annotated = withOwnership(report, [source], [target], {owners: true, blame: true});
    expect(annotated.objects[0].source?.owner).toBeNull();
    expect(annotated.objects[0].target?.owner).toMatchObject({tool: 'argocd'});
    expect(annotated.objects[0].keys.find((k) => k.key === 'LOG_LEVEL')?.blame).toEqual({
      target: {manager: 'alice', operation: 'Update', time: '2026-01-02T00:00:00.000Z'},
    });
  });
});
