export interface ManifestOptions {
  namespace: string;
  image: string;
  /** Reconcile every Kubed-annotated source (the controller's --from-annotations). */
  fromAnnotations: boolean;
  /** Named sources and their target flags, passed to `controller run` as they are. */
  runArgs: string[];
  serviceMonitor: boolean;
  name: string;
  replicas: number;
  /**
   * Narrowed RBAC: ConfigMaps and Secrets are read only in this namespace (where the named sources
   * live) and written only in `targetNamespaces`, by Roles there; the controller is run with
   * `-n SOURCE --to-namespace TARGETS` to match. Absent: cluster-wide (Kubed's model).
   */
  scope?: {sourceNamespace: string; targetNamespaces: string[]};
}

export const METRICS_PORT = 8080;
/**
 * V8 flags for a long-running, mostly idle process: a 1 MiB semi-space (the young generation;
 * V8's default grows it to 16 MiB) keeps RSS about 20 MiB lower at the cost of more frequent,
 * short scavenges (measured: docs/controller.md, "Memory and resync time").
 */
export const CONTROLLER_NODE_OPTIONS = '--max-semi-space-size=1';
/** Where the run journals go: the root filesystem is read-only. */
const STATE_DIR = '/var/lib/kubectl-configsync';

/**
 * The objects that install the controller: ServiceAccount, RBAC, a Deployment (leader
 * election on, probes, requests, non-root, read-only root filesystem), a Service for its
 * metrics, and a ServiceMonitor when asked. RBAC is what `controller run` uses and nothing else:
 * - namespaces get/list/watch: choosing target namespaces, and the kube-system UID that identifies the cluster;
 * - configmaps and secrets get/list/watch/create/patch/delete in all namespaces: sources may live and copies
 *   may go in any namespace (Kubed's model), and copies are found cluster-wide by their origin label to prune;
 * - events create/patch in all namespaces: the Warning Events on sources whose copies fail;
 * - selfsubjectaccessreviews create: the access review before writing;
 * - leases in the controller's namespace only: get/update of its own Lease, create (which cannot be limited by name).
 */
export function controllerManifests(options: ManifestOptions): object[] {
  const {namespace, name} = options;
  const labels = {
    'app.kubernetes.io/name': 'kubectl-configsync',
    'app.kubernetes.io/component': 'controller',
    'app.kubernetes.io/instance': name,
  };
  const metadata = (extra: Record<string, unknown> = {}) => ({name, namespace, labels, ...extra});
  const clusterMetadata = {name, labels};
  const leaseName = name;
  const {scope} = options;
  const args = [
    'controller',
    'run',
    ...options.runArgs,
    ...(scope ? [`--namespace=${scope.sourceNamespace}`, `--to-namespace=${scope.targetNamespaces.join(',')}`] : []),
    ...(options.fromAnnotations ? ['--from-annotations'] : []),
    '--leader-elect',
    `--lease-name=${leaseName}`,
    `--metrics-bind-address=:${METRICS_PORT}`,
    '--log-format=json',
  ];
  const configRules = [
    {apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete']},
  ];
  const eventRules = [{apiGroups: [''], resources: ['events'], verbs: ['create', 'patch']}];
  const objects: object[] = [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata()},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: clusterMetadata,
      rules: [
        {apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch']},
        ...(scope ? [] : [...configRules, ...eventRules]),
        {apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create']},
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: clusterMetadata,
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name},
      subjects: [{kind: 'ServiceAccount', name, namespace}],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(),
      rules: [
        {apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create']},
        {apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [leaseName], verbs: ['get', 'update']},
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(),
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name},
      subjects: [{kind: 'ServiceAccount', name, namespace}],
    },
    ...(scope ? scopedRoles(name, labels, namespace, scope, configRules, eventRules) : []),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(),
      spec: {
        replicas: options.replicas,
        selector: {matchLabels: labels},
        template: {
          metadata: {labels},
          spec: {
            serviceAccountName: name,
            securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: {type: 'RuntimeDefault'}},
            // Replicas on different nodes, so one node failing leaves a standby.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: {matchLabels: labels},
              },
            ],
            containers: [
              {
                name: 'controller',
                image: options.image,
                args,
                env: [
                  {name: 'XDG_STATE_HOME', value: STATE_DIR},
                  {name: 'NODE_OPTIONS', value: CONTROLLER_NODE_OPTIONS},
                ],
                ports: [{name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP'}],
                livenessProbe: {httpGet: {path: '/healthz', port: 'metrics'}, initialDelaySeconds: 5, periodSeconds: 20},
                readinessProbe: {httpGet: {path: '/readyz', port: 'metrics'}, periodSeconds: 10},
                resources: {requests: {cpu: '50m', memory: '64Mi'}, limits: {memory: '256Mi'}},
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: {drop: ['ALL']},
                },
                volumeMounts: [{name: 'state', mountPath: STATE_DIR}],
              },
            ],
            // Run journals (what each write changed, for undo) survive container restarts, not pod moves.
            volumes: [{name: 'state', emptyDir: {sizeLimit: '256Mi'}}],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(),
      spec: {selector: labels, ports: [{name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP'}]},
    },
  ];
  if (options.serviceMonitor)
    objects.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: metadata(),
      spec: {selector: {matchLabels: labels}, endpoints: [{port: 'metrics', path: '/metrics', interval: '30s'}]},
    });
  return objects;
}

/**
 * Narrowed RBAC: in the source namespace, ConfigMaps and Secrets are only read (get, list, watch:
 * the source, and the watch that follows it) and Events written on the sources; in each target
 * namespace ConfigMaps and Secrets are read and written (the copies). Nothing elsewhere.
 */
function scopedRoles(
  name: string,
  labels: Record<string, string>,
  home: string,
  scope: {sourceNamespace: string; targetNamespaces: string[]},
  configRules: object[],
  eventRules: object[],
): object[] {
  const read = [{apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch']}];
  const roles = new Map<string, object[]>();
  for (const target of scope.targetNamespaces) roles.set(target, configRules);
  // A source namespace that is also a target needs both.
  roles.set(scope.sourceNamespace, [...(roles.get(scope.sourceNamespace) ?? read), ...eventRules]);
  // Named apart from the Lease's Role, which may share a namespace with them.
  const roleName = `${name}-configs`;
  return [...roles].flatMap(([namespace, rules]) => [
    {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: {name: roleName, namespace, labels}, rules},
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {name: roleName, namespace, labels},
      roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName},
      subjects: [{kind: 'ServiceAccount', name, namespace: home}],
    },
  ]);
}
