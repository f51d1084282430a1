import {Flags} from '@oclif/core';
import {BaseCommand} from '../../cli/base-command.js';
import {exitCodesHelp} from '../../core/errors.js';
import {runManifestsCommand} from './manifests-run.js';

export default class ControllerManifests extends BaseCommand {
  static override summary = 'Print the manifests that install the controller (RBAC, Deployment, Service).';

  static override description = `Prints YAML (or JSON) for kubectl apply: a ServiceAccount, least-privilege RBAC, a Deployment of 2 replicas running "controller run --leader-elect" (probes, resource requests, non-root, read-only root filesystem), a Service for its metrics and, with --service-monitor, a Prometheus Operator ServiceMonitor. Arguments after -- are passed to "controller run" (named sources and their target flags). The namespace must exist.

${exitCodesHelp([0, 2], {0: 'printed', 2: 'usage error: bad flag or value'})}`;

  static override examples = [
    {
      description: 'Kubed migration',
      command: 'kubectl configsync controller manifests -n configsync --from-annotations | kubectl apply -f -',
    },
    {
      description: 'One named source',
      command:
        'kubectl configsync controller manifests -n configsync -- configmap/ca-bundle -n platform --namespace-selector team | kubectl apply -f -',
    },
    {
      description: 'Narrowed RBAC: Secrets read only in platform, written only in web and api',
      command:
        'kubectl configsync controller manifests -n configsync --source-namespace platform --target-namespaces web,api -- secret/tls | kubectl apply -f -',
    },
  ];

  static override strict = false;

  static override flags = {
    namespace: Flags.string({char: 'n', description: 'namespace the controller runs in', required: true}),
    image: Flags.string({description: 'container image (default: kubectl-configsync:VERSION, as the Dockerfile builds it)'}),
    'from-annotations': Flags.boolean({description: 'reconcile every Kubed-annotated source (controller run --from-annotations)'}),
    'service-monitor': Flags.boolean({description: 'also print a ServiceMonitor (needs the Prometheus Operator CRDs)'}),
    name: Flags.string({description: 'name of every object and of the Lease', default: 'kubectl-configsync-controller'}),
    replicas: Flags.integer({description: 'replicas (one leads, the others stand by)', default: 2, min: 1}),
    'source-namespace': Flags.string({
      description:
        'narrowed RBAC: the named sources live here, and ConfigMaps and Secrets are only read here (a Role, not a ClusterRole); with --target-namespaces',
    }),
    'target-namespaces': Flags.string({
      description:
        'narrowed RBAC: copies go only into these namespaces (comma-separated), and ConfigMaps and Secrets are only written there',
    }),
    output: Flags.option({char: 'o', options: ['yaml', 'json'] as const, default: 'yaml', description: 'output format'})(),
  };

  async run(): Promise<void> {
    await this.runWith(ControllerManifests, runManifestsCommand);
  }
}
