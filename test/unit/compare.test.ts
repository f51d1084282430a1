import {describe, expect, it} from 'vitest';
import {assertNamespaceExists, kindsToRead, parseKinds, readLocation, selectObjects} from '../../src/actions/diff/compare.js';
import {ClusterError, UsageError} from '../../src/core/errors.js';
import type {ConfigObject} from '../../src/core/types.js';
import {MemoryCluster} from '../support/memory-cluster.js';
import {cm, loc, sec} from './diff-fixtures.js';

/** The shared in-memory cluster holding these objects and namespaces; its `reads` say what diff asked of the API. */
function memoryCluster(objects: ConfigObject[], namespaces: string[], namespaceError?: Error) {
  const api = new MemoryCluster();
  for (const object of objects) api.put(object);
  api.namespaces = namespaces.map((name) => ({name, labels: {}}));
  api.namespaceError = namespaceError;
  return {api, calls: api.reads};
}

const web = {labels: {app: 'web'}};
const objects = [
  {...cm('prod', 'app', {A: '1'}), ...web},
  {...cm('prod', 'web', {A: '1'}), ...web},
  cm('prod', 'kube-root-ca.crt', {'ca.crt': 'x'}),
  {...sec('prod', 'app', {P: 'x'}), ...web},
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
