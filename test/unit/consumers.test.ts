import {describe, expect, it} from 'vitest';
import {findConsumers, referencesTo} from '../../src/core/consumers.js';
import type {PodSpec, Workload, WorkloadKind} from '../../src/core/workload.js';

function workload(name: string, podSpec: PodSpec, kind: WorkloadKind = 'Deployment', extra: Partial<Workload> = {}): Workload {
  return {kind, name, namespace: 'ns', templateAnnotations: {}, podSpec, status: {}, generation: 1, ...extra};
}

const cm = (name: string, keys?: string[]) => ({kind: 'ConfigMap' as const, name, keys});
const sec = (name: string, keys?: string[]) => ({kind: 'Secret' as const, name, keys});

describe('referencesTo', () => {
  it('finds env configMapKeyRef and secretKeyRef by kind and name', () => {
    const spec: PodSpec = {
      containers: [
        {
          name: 'app',
          env: [
            {name: 'A', valueFrom: {configMapKeyRef: {name: 'conf', key: 'a'}}},
            {name: 'B', valueFrom: {secretKeyRef: {name: 'conf', key: 'b', optional: true}}},
            {name: 'C', valueFrom: {configMapKeyRef: {name: 'other', key: 'a'}}},
          ],
        },
      ],
    };
    expect(referencesTo(spec, cm('conf'))).toEqual([
      {
        object: 'configmap/conf',
        container: 'app',
        containerType: 'container',
        via: 'env',
        detail: 'env A ← key "a"',
        keys: ['a'],
        optional: false,
        liveUpdate: false,
      },
    ]);
    expect(referencesTo(spec, sec('conf'))).toEqual([
      {
        object: 'secret/conf',
        container: 'app',
        containerType: 'container',
        via: 'env',
        detail: 'env B ← key "b"',
        keys: ['b'],
        optional: true,
        liveUpdate: false,
      },
    ]);
  });

  it('counts envFrom for every key, with its prefix in the detail', () => {
    const spec: PodSpec = {
      containers: [{name: 'app', envFrom: [{configMapRef: {name: 'conf'}, prefix: 'APP_'}, {secretRef: {name: 'conf'}}]}],
    };
    const refs = referencesTo(spec, cm('conf', ['anything']));
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({via: 'envFrom', keys: 'all', detail: 'envFrom all keys (prefix APP_)', liveUpdate: false});
  });

  it('finds init containers and says so', () => {
    const spec: PodSpec = {
      initContainers: [{name: 'migrate', envFrom: [{secretRef: {name: 'db'}}]}],
      containers: [{name: 'app'}],
    };
    expect(referencesTo(spec, sec('db'))).toEqual([
      {
        object: 'secret/db',
        container: 'migrate',
        containerType: 'initContainer',
        via: 'envFrom',
        detail: 'envFrom all keys',
        keys: 'all',
        optional: false,
        liveUpdate: false,
      },
    ]);
  });

  it('treats a whole-volume mount without subPath as live-updated, for every key', () => {
    const spec: PodSpec = {
      volumes: [{name: 'conf', configMap: {name: 'conf'}}],
      containers: [{name: 'app', volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]}],
    };
    expect(referencesTo(spec, cm('conf', ['x']))).toEqual([
      {
        object: 'configmap/conf',
        container: 'app',
        containerType: 'container',
        via: 'volume',
        detail: 'volume "conf" at /etc/app',
        keys: 'all',
        optional: false,
        liveUpdate: true,
      },
    ]);
  });

  it('counts a volume with items only for the listed keys', () => {
    const spec: PodSpec = {
      volumes: [
        {
          name: 'conf',
          configMap: {
            name: 'conf',
            items: [
              {key: 'a', path: 'a.conf'},
              {key: 'b', path: 'sub/b.conf'},
            ],
          },
        },
      ],
      containers: [{name: 'app', volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]}],
    };
    expect(referencesTo(spec, cm('conf', ['c']))).toEqual([]);
    const refs = referencesTo(spec, cm('conf', ['b', 'c']));
    expect(refs).toHaveLength(1);
    expect(refs[0]).toMatchObject({keys: ['b'], detail: 'volume "conf" items a,b at /etc/app'});
    expect(referencesTo(spec, cm('conf'))[0].keys).toEqual(['a', 'b']);
  });

  it('narrows a subPath mount to the file it reads and marks it as needing a restart', () => {
    const spec: PodSpec = {
      volumes: [
        {name: 'plain', configMap: {name: 'conf'}},
        {
          name: 'listed',
          configMap: {
            name: 'conf',
            items: [
              {key: 'a', path: 'dir/a.conf'},
              {key: 'b', path: 'b.conf'},
            ],
          },
        },
      ],
      containers: [
        {
          name: 'app',
          volumeMounts: [
            {name: 'plain', mountPath: '/etc/x.yaml', subPath: 'x.yaml'},
            {name: 'listed', mountPath: '/etc/dir', subPath: 'dir'},
          ],
        },
      ],
    };
    const refs = referencesTo(spec, cm('conf'));
    expect(refs.map((r) => [r.keys, r.liveUpdate])).toEqual([
      [['x.yaml'], false],
      [['a'], false],
    ]);
    expect(referencesTo(spec, cm('conf', ['b']))).toEqual([]);
    expect(referencesTo(spec, cm('conf', ['a'])).map((r) => r.detail)).toEqual(['volume "listed" items a,b at /etc/dir (subPath dir)']);
  });

  it('finds configMap and secret sources of projected volumes, with items', () => {
    const spec: PodSpec = {
      volumes: [
        {
          name: 'bundle',
          projected: {sources: [{configMap: {name: 'conf', items: [{key: 'a', path: 'a'}]}}, {secret: {name: 'creds'}}]},
        },
      ],
      containers: [{name: 'app', volumeMounts: [{name: 'bundle', mountPath: '/bundle'}]}],
    };
    expect(referencesTo(spec, cm('conf'))).toEqual([
      {
        object: 'configmap/conf',
        container: 'app',
        containerType: 'container',
        via: 'projected',
        detail: 'projected volume "bundle" items a at /bundle',
        keys: ['a'],
        optional: false,
        liveUpdate: true,
      },
    ]);
    expect(referencesTo(spec, cm('conf', ['b']))).toEqual([]);
    expect(referencesTo(spec, sec('creds', ['password']))[0]).toMatchObject({via: 'projected', keys: 'all'});
    expect(referencesTo(spec, cm('creds'))).toEqual([]);
  });

  it('ignores a volume no container mounts, and a secret volume is matched by secretName', () => {
    const spec: PodSpec = {
      volumes: [
        {name: 'unused', configMap: {name: 'conf'}},
        {name: 'tls', secret: {secretName: 'tls'}},
      ],
      containers: [{name: 'app', volumeMounts: [{name: 'tls', mountPath: '/tls', subPathExpr: '$(POD)'}]}],
    };
    expect(referencesTo(spec, cm('conf'))).toEqual([]);
    expect(referencesTo(spec, sec('tls'))[0]).toMatchObject({
      via: 'volume',
      keys: 'all',
      liveUpdate: false,
      detail: 'volume "tls" at /tls (subPathExpr $(POD))',
    });
  });

  it('a configMapKeyRef to another key does not count for --keys', () => {
    const spec: PodSpec = {containers: [{name: 'app', env: [{name: 'A', valueFrom: {configMapKeyRef: {name: 'conf', key: 'a'}}}]}]};
    expect(referencesTo(spec, cm('conf', ['b']))).toEqual([]);
    expect(referencesTo(spec, cm('conf', ['a', 'b']))).toHaveLength(1);
  });
});

describe('findConsumers', () => {
  const workloads = [
    workload('web', {containers: [{name: 'web', env: [{name: 'A', valueFrom: {configMapKeyRef: {name: 'conf', key: 'a'}}}]}]}),
    workload(
      'files',
      {volumes: [{name: 'v', configMap: {name: 'conf'}}], containers: [{name: 'c', volumeMounts: [{name: 'v', mountPath: '/v'}]}]},
      'DaemonSet',
    ),
    workload(
      'mixed',
      {
        volumes: [{name: 'v', configMap: {name: 'conf'}}],
        containers: [{name: 'c', volumeMounts: [{name: 'v', mountPath: '/v'}], envFrom: [{secretRef: {name: 'db'}}]}],
      },
      'StatefulSet',
    ),
    workload('unrelated', {containers: [{name: 'c', envFrom: [{configMapRef: {name: 'other'}}]}]}),
  ];

  it('returns only readers, sorted by kind then name, with volume-only marked', () => {
    const found = findConsumers(workloads, [cm('conf')]);
    expect(found.map((c) => [c.workload.kind, c.workload.name, c.volumeOnly])).toEqual([
      ['Deployment', 'web', false],
      ['StatefulSet', 'mixed', true],
      ['DaemonSet', 'files', true],
    ]);
  });

  it('joins the references to several targets; a non-volume use of any of them needs a restart', () => {
    const found = findConsumers(workloads, [cm('conf'), sec('db')]);
    const mixed = found.find((c) => c.workload.name === 'mixed')!;
    expect(mixed.references.map((r) => `${r.object} ${r.via}`)).toEqual(['configmap/conf volume', 'secret/db envFrom']);
    expect(mixed.volumeOnly).toBe(false);
  });

  it('finds nothing for an object no one reads', () => {
    expect(findConsumers(workloads, [cm('nobody')])).toEqual([]);
  });
});
