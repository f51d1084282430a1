import {describe, expect, it} from 'vitest';
import {assertNamespaceExists, kindsToRead, parseKinds, readLocation, selectObjects} from '../../src/actions/diff/compare.js';
import type {ClusterApi, ListOptions} from '../../src/core/cluster-api.js';
import {ClusterError, UsageError} from '../../src/core/errors.js';
import type {ConfigKind, ConfigObject} from '../../src/core/types.js';
import {cm, loc, sec} from './diff-fixtures.js';

/** An in-memory cluster that records every call, to check what diff asks of the API. */
function memoryCluster(objects: ConfigObject[], namespaces: string[], namespaceError?: Error) {
  const calls: string[] = [];
  const api = {
    context: 'mem',
    server: 'https://mem',
    async listConfigObjects(kind: ConfigKind, namespace: string | undefined, options: ListOptions = {}) {
      calls.push(`list ${kind} ${namespace} ${options.labelSelector ?? ''}`.trim());
      return objects.filter((o) => o.kind === kind && o.namespace === namespace);
    },
    async getConfigObject() {
      calls.push('get object');
      return undefined;
    },
    async getNamespace(name: string) {
      calls.push(`get namespace ${name}`);
      if (namespaceError) throw namespaceError;
      return namespaces.includes(name) ? {name, labels: {}} : undefined;
    },
  } as unknown as ClusterApi;
  return {api, calls};
}

const objects = [
  cm('prod', 'app', {A: '1'}),
  cm('prod', 'web', {A: '1'}),
  cm('prod', 'kube-root-ca.crt', {'ca.crt': 'x'}),
  sec('prod', 'app', {P: 'x'}),
  sec('prod', 'sa-token', {token: 't'}, 'kubernetes.io/service-account-token'),
];

describe('readLocation', () => {
  it('makes one LIST per kind and one namespace GET, never a GET per object', async () => {
    const {api, calls} = memoryCluster(objects, ['prod']);
    const read = await readLocation(api, loc('mem', 'prod'), ['ConfigMap', 'Secret'], [], {selector: 'app=web', 'include-platform': false});
    expect(calls.sort()).toEqual(['get namespace prod', 'list ConfigMap prod app=web', 'list Secret prod app=web']);
    expect(read.map((o) => `${o.kind}/${o.name}`)).toEqual(['ConfigMap/app', 'ConfigMap/web', 'Secret/app']);
  });

  it('fails on a namespace that does not exist instead of reporting everything missing', async () => {
    const {api} = memoryCluster(objects, []);
    await expect(readLocation(api, loc('mem', 'nope'), ['ConfigMap'], [], {'include-platform': false})).rejects.toThrow(
      new UsageError('namespace "nope" not found in context "mem"'),
    );
  });

  it('reads on when namespaces may not be read (403), and fails on other errors', async () => {
    const forbidden = memoryCluster(objects, [], new ClusterError('forbidden', 403));
    await expect(readLocation(forbidden.api, loc('mem', 'nope'), ['ConfigMap'], [], {'include-platform': true})).resolves.toHaveLength(0);
    const down = memoryCluster(objects, [], new ClusterError('unreachable'));
    await expect(assertNamespaceExists(down.api, loc('mem', 'prod'))).rejects.toThrow('unreachable');
  });
});

describe('kindsToRead', () => {
  it('adds the kind a TYPE/NAME argument pins to those of --kind', () => {
    expect(kindsToRead('configmaps', ['secret/s1'])).toEqual(['ConfigMap', 'Secret']);
    expect(kindsToRead('configmaps', ['app'])).toEqual(['ConfigMap']);
    expect(kindsToRead('secrets', ['cm/app'])).toEqual(['ConfigMap', 'Secret']);
  });
});

describe('selectObjects', () => {
  it('leaves out platform objects unless asked', () => {
    expect(selectObjects(objects, [], false).map((o) => o.name)).toEqual(['app', 'web', 'app']);
    expect(selectObjects(objects, [], true)).toHaveLength(5);
  });

  it('narrows by NAME, and by kind with configmap/NAME or secret/NAME', () => {
    expect(selectObjects(objects, ['app'], false).map((o) => o.kind)).toEqual(['ConfigMap', 'Secret']);
    expect(selectObjects(objects, ['secret/app'], false).map((o) => o.kind)).toEqual(['Secret']);
    expect(selectObjects(objects, ['cm/web', 'configmap/app'], false).map((o) => o.name)).toEqual(['app', 'web']);
    expect(() => selectObjects(objects, ['deployment/app'], false)).toThrow(/expected NAME, configmap\/NAME or secret\/NAME/);
    // A bare NAME matches the kinds of --kind; TYPE/NAME pins its own.
    expect(selectObjects(objects, ['app'], false, ['ConfigMap']).map((o) => o.kind)).toEqual(['ConfigMap']);
    expect(selectObjects(objects, ['secret/app'], false, ['ConfigMap']).map((o) => o.kind)).toEqual(['Secret']);
  });
});

describe('parseKinds', () => {
  it('reads kubectl-style kind words', () => {
    expect(parseKinds('configmaps')).toEqual(['ConfigMap']);
    expect(parseKinds('secrets,cm')).toEqual(['ConfigMap', 'Secret']);
    expect(parseKinds('all')).toEqual(['ConfigMap', 'Secret']);
    expect(() => parseKinds('pods')).toThrow(/unknown kind "pods"/);
    expect(() => parseKinds(',')).toThrow(/at least one kind/);
  });
});
