import {Flags} from '@oclif/core';
import {BaseCommand} from '../../cli/base-command.js';
import {fanoutTargetFlags, kubeFlags} from '../../cli/flags.js';
import {exitCodesHelp} from '../../core/errors.js';
import {runControllerCommand} from './start-run.js';

export default class ControllerRun extends BaseCommand {
  static override summary = 'Keep fanout copies in sync, in the cluster, with leader election.';

  static override description = `Keeps copies in sync continuously, with the reconcile loop of "fanout --watch" (same planning, same write path, same ownership rules), for sources named as arguments (with fanout's target flags) and/or every source annotated kubed.appscode.com/sync or kubed.appscode.com/sync-contexts (--from-annotations, with Kubed's meaning).

In a pod it uses the service account; --kubeconfig/--context otherwise. With --leader-elect only the holder of a coordination.k8s.io Lease writes; a standby takes over when the leader stops renewing, and the leader releases the Lease on SIGTERM. --metrics-bind-address serves /metrics, /healthz and /readyz. Install with "kubectl configsync controller manifests".

${exitCodesHelp([0, 2, 3, 130], {
  0: 'stopped by SIGTERM: writes finished, Lease released',
  2: 'usage error: bad flag, object, duration or kubeconfig',
  3: 'could not reach the cluster or lost the Lease',
  130: 'stopped by Ctrl-C (SIGINT): writes finished, Lease released',
})}`;

  static override examples = [
    {description: 'Kubed migration, in a cluster', command: 'kubectl configsync controller run --from-annotations --leader-elect'},
    {
      description: 'One source into labelled namespaces, from a laptop',
      command:
        'kubectl configsync controller run configmap/ca-bundle -n platform --namespace-selector team --metrics-bind-address 127.0.0.1:8080',
    },
  ];

  static override usage = 'controller run [configmap/NAME|secret/NAME ...] [-n SOURCE_NAMESPACE targets] [--from-annotations] [flags]';

  static override strict = false;

  static override flags = {
    ...kubeFlags,
    ...fanoutTargetFlags,
    'from-annotations': Flags.boolean({
      description:
        'also reconcile every ConfigMap and Secret annotated kubed.appscode.com/sync or sync-contexts, as Kubed did (only those in -n NAMESPACE when given)',
    }),
    'on-conflict': Flags.option({
      options: ['skip', 'overwrite', 'adopt'] as const,
      default: 'skip',
      description: 'an object with the same name that is not a copy: skip it (reported), overwrite its data, or adopt it',
    })(),
    prune: Flags.boolean({allowNo: true, default: true, description: 'delete copies no longer wanted (--no-prune keeps them)'}),
    'cluster-name': Flags.string({description: "readable name of the source's cluster for the origin-cluster label on copies"}),
    'strip-labels': Flags.boolean({description: "do not copy the source's labels and annotations"}),
    'field-manager': Flags.string({description: 'field manager name recorded on every write', default: 'kubectl-configsync'}),
    concurrency: Flags.integer({description: 'writes in flight at once', default: 8, min: 1}),
    qps: Flags.integer({description: 'writes per second per cluster (0: no limit)', default: 50, min: 0}),
    resync: Flags.string({description: 'full reconcile this often even without events', default: '10m'}),
    'leader-elect': Flags.boolean({description: 'write only while holding the Lease, so several replicas can run'}),
    'lease-name': Flags.string({description: 'name of the Lease', default: 'kubectl-configsync-controller'}),
    'lease-namespace': Flags.string({description: "namespace of the Lease (default: the pod's namespace, or the source namespace)"}),
    'lease-duration': Flags.string({description: 'how long a standby waits after the last renewal before taking over', default: '15s'}),
    'renew-deadline': Flags.string({description: 'how long the leader tries to renew before it stops writing', default: '10s'}),
    'retry-period': Flags.string({description: 'how often to try to acquire or renew the Lease', default: '2s'}),
    identity: Flags.string({description: 'holder identity in the Lease (default: host name and a random UUID)'}),
    'metrics-bind-address': Flags.string({
      description: 'serve /metrics, /healthz and /readyz here: HOST:PORT or :PORT; 0 turns it off',
      default: '0',
    }),
    'log-format': Flags.option({options: ['json', 'text'] as const, default: 'text', description: 'one log line per action on stderr'})(),
  };

  async run(): Promise<void> {
    await this.runWith(ControllerRun, runControllerCommand);
  }
}
