// What the write-safety suites share: a full snapshot of namespaces (uid, resourceVersion
// and content of every ConfigMap, Secret and Deployment) to prove that nothing persisted,
// and a user who may delete ConfigMaps but not create them.
import {adminRequest, type ClusterName} from './fault-proxy.js';
import {applyAll} from './support.js';

/** key → uid, resourceVersion and content, for every object that a command could change. */
export async function fullSnapshot(cluster: ClusterName, namespaces: string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const namespace of namespaces) {
    for (const [group, resource] of [
      ['api/v1', 'configmaps'],
      ['api/v1', 'secrets'],
      ['apis/apps/v1', 'deployments'],
    ]) {
      const {status, body} = await adminRequest(cluster, 'GET', `/${group}/namespaces/${namespace}/${resource}`);
      if (status !== 200) throw new Error(`snapshot ${cluster}/${namespace}/${resource}: HTTP ${status}`);
      for (const item of body.items) {
        // The API server's own CA bundle is published by a controller on its own schedule.
        if (item.metadata.name === 'kube-root-ca.crt') continue;
        const {uid, resourceVersion, labels, annotations, ownerReferences, finalizers, deletionTimestamp} = item.metadata;
        result[`${cluster}/${namespace}/${resource}/${item.metadata.name}`] = JSON.stringify({
          uid,
          resourceVersion,
          labels,
          annotations,
          ownerReferences,
          finalizers,
          deletionTimestamp,
          data: item.data,
          binaryData: item.binaryData,
          type: item.type,
          immutable: item.immutable,
          template: item.spec?.template?.metadata?.annotations,
        });
      }
    }
  }
  return result;
}

/** A Role in `namespace` for `user`: read, update and delete ConfigMaps, but never create them. */
export async function grantAllButCreate(context: string, namespace: string, user: string): Promise<void> {
  await applyAll(
    context,
    [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: {name: 'configsync-no-create', namespace},
        rules: [
          {apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete']},
          {apiGroups: [''], resources: ['namespaces'], verbs: ['get']},
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {name: 'configsync-no-create', namespace},
        roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configsync-no-create'},
        subjects: [{apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user}],
      },
    ].map((doc) => JSON.stringify(doc)),
  );
}
