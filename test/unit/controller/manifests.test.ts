import {describe, expect, it} from 'vitest';
import {controllerManifests} from '../../../src/controller/manifests.js';

const base = {namespace: 'cs', image: 'img:1', fromAnnotations: true, runArgs: [], serviceMonitor: false, name: 'ctl', replicas: 2};

function byKind(objects: object[]) {
  return Object.fromEntries(objects.map((o) => [(o as {kind: string}).kind, o as any]));
}

describe('controller manifests', () => {
  it('install a hardened Deployment of 2 replicas with leader election, probes and requests', () => {
    const {Deployment} = byKind(controllerManifests(base));
    expect(Deployment.spec.replicas).toBe(2);
    const pod = Deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.serviceAccountName).toBe('ctl');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: {drop: ['ALL']},
    });
    expect(container.args).toEqual(
      expect.arrayContaining(['controller', 'run', '--from-annotations', '--leader-elect', '--lease-name=ctl']),
    );
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.resources.requests).toEqual({cpu: '50m', memory: '64Mi'});
    // The journal directory is the one writable path.
    expect(container.volumeMounts).toEqual([{name: 'state', mountPath: '/var/lib/kubectl-configsync'}]);
  });

  it('grant only what controller run uses: Leases in its own namespace, no wildcard, no update of config objects', () => {
    const objects = controllerManifests(base);
    const {ClusterRole, Role} = byKind(objects);
    const rules = [...ClusterRole.rules, ...Role.rules];
    expect(JSON.stringify(rules)).not.toContain('*');
    expect(ClusterRole.rules.flatMap((r: any) => r.resources)).not.toContain('leases');
    expect(Role.metadata.namespace).toBe('cs');
    expect(Role.rules).toContainEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['ctl'],
      verbs: ['get', 'update'],
    });
    const config = ClusterRole.rules.find((r: any) => r.resources.includes('secrets'));
    expect(config.verbs).toEqual(['get', 'list', 'watch', 'create', 'patch', 'delete']);
  });

  it('add a ServiceMonitor only when asked, and pass named sources to controller run', () => {
    expect(byKind(controllerManifests(base)).ServiceMonitor).toBeUndefined();
    const objects = controllerManifests({...base, serviceMonitor: true, fromAnnotations: false, runArgs: ['configmap/a', '-n', 'p', '-A']});
    expect(byKind(objects).ServiceMonitor.spec.endpoints[0]).toMatchObject({port: 'metrics', path: '/metrics'});
    expect(byKind(objects).Deployment.spec.template.spec.containers[0].args.slice(0, 6)).toEqual([
      'controller',
      'run',
      'configmap/a',
      '-n',
      'p',
      '-A',
    ]);
  });

  it('narrowed: ConfigMaps and Secrets by Roles, read in the source namespace, written in the targets; the run is told the same namespaces', () => {
    const scope = {sourceNamespace: 'platform', targetNamespaces: ['web', 'api']};
    const objects = controllerManifests({...base, fromAnnotations: false, runArgs: ['secret/tls'], scope}) as any[];
    const clusterRole = objects.find((o) => o.kind === 'ClusterRole');
    expect(clusterRole.rules.flatMap((r: any) => r.resources)).toEqual(['namespaces', 'selfsubjectaccessreviews']);
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'ctl-configs');
    const rulesIn = (namespace: string) => roles.find((r) => r.metadata.namespace === namespace).rules;
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['api', 'platform', 'web']);
    expect(rulesIn('platform')).toEqual([
      {apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch']},
      {apiGroups: [''], resources: ['events'], verbs: ['create', 'patch']},
    ]);
    for (const target of ['web', 'api'])
      expect(rulesIn(target)).toEqual([
        {apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete']},
      ]);
    const bindings = objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.name === 'ctl-configs');
    expect(bindings).toHaveLength(3);
    for (const binding of bindings) expect(binding.subjects).toEqual([{kind: 'ServiceAccount', name: 'ctl', namespace: 'cs'}]);
    expect(objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args.slice(0, 5)).toEqual([
      'controller',
      'run',
      'secret/tls',
      '--namespace=platform',
      '--to-namespace=web,api',
    ]);
  });

  it('narrowed: a source namespace that is also a target gets write access there, plus Events', () => {
    const objects = controllerManifests({
      ...base,
      fromAnnotations: false,
      runArgs: ['secret/tls'],
      scope: {sourceNamespace: 'p', targetNamespaces: ['p', 'q']},
    }) as any[];
    const inP = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'p' && o.metadata.name === 'ctl-configs');
    expect(inP.rules.map((r: any) => r.verbs.join(','))).toEqual(['get,list,watch,create,patch,delete', 'create,patch']);
  });

  it('run with a 1 MiB V8 semi-space (NODE_OPTIONS), as measured in docs/controller.md', () => {
    const {Deployment} = byKind(controllerManifests(base));
    expect(Deployment.spec.template.spec.containers[0].env).toContainEqual({name: 'NODE_OPTIONS', value: '--max-semi-space-size=1'});
  });
});
