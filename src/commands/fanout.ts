import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {fanoutTargetFlags, kubeFlags, outputFlags, outputFormatFlag, writeFlags} from '../cli/flags.js';
import {exitCodesHelp} from '../core/errors.js';
import {runFanoutCommand} from './fanout-run.js';

export default class Fanout extends BaseCommand {
  static override summary = 'Copy a ConfigMap or Secret into many namespaces and clusters.';

  static override description = `Copies the source into the chosen namespaces (--all-namespaces, --namespace-selector, --namespace-regex, --to-namespace) of the source's cluster, or of the clusters named with --to-context. Each copy carries origin labels and annotations under configsync.kubectl.dev/. Copies in namespaces no longer selected are pruned (--no-prune keeps them). An object with the same name that is not a copy of this source is skipped unless --on-conflict overwrite|adopt.

It plans first: the plan is shown, then confirmed (or --yes). A second run writes nothing. With --watch it keeps running and reconciles on every change.

${exitCodesHelp([0, 2, 3, 4, 5, 130], {
  0: 'every copy written or already in sync',
  2: 'usage error: bad flag, object, namespace selector or kubeconfig',
  3: 'cluster or API error: unreachable, forbidden, conflict',
})}`;

  static override examples = [
    {
      description: 'Into every namespace whose name starts with team- (-A: every namespace)',
      command: "kubectl configsync fanout configmap/ca-bundle -n platform --namespace-regex '^team-' --yes",
    },
    {
      description: 'Into label-selected namespaces, plan only',
      command: "kubectl configsync fanout secret/registry -n platform --namespace-selector 'team in (a,b)' --dry-run=client",
    },
    {
      description: 'Into other clusters (their context namespace)',
      command: 'kubectl configsync fanout configmap/ca-bundle -n platform --to-context beta,gamma --yes',
    },
    {
      description: 'Keep running',
      command: "kubectl configsync fanout configmap/ca-bundle -n platform --namespace-regex '^team-' --yes --watch",
    },
    {
      description: 'Remove every copy',
      command: 'kubectl configsync fanout --delete configmap/ca-bundle -n platform -A --to-context alpha,beta --yes',
    },
    {
      description: 'Migrate from Kubed annotations (preview; --yes to write)',
      command: 'kubectl configsync fanout --from-annotations --dry-run=client',
    },
  ];

  static override usage = 'fanout configmap/NAME|secret/NAME -n SOURCE_NAMESPACE [targets] [flags]';

  static override args = {
    object: Args.string({description: 'the source: configmap/NAME or secret/NAME (none with --from-annotations)'}),
  };

  static override flags = {
    ...kubeFlags,
    ...fanoutTargetFlags,
    'on-conflict': Flags.option({
      options: ['skip', 'overwrite', 'adopt'] as const,
      default: 'skip',
      description:
        'an object with the same name that is not a copy: skip it (reported), overwrite its data (left unmarked), or adopt it as a copy',
    })(),
    prune: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'delete copies of this source in namespaces no longer selected (--no-prune keeps them)',
    }),
    'cluster-name': Flags.string({
      description:
        "readable name of the source's cluster for the origin-cluster label on copies (ownership follows the cluster identity, not this name)",
    }),
    'strip-labels': Flags.boolean({description: "do not copy the source's labels and annotations (origin marks are always set)"}),
    delete: Flags.boolean({
      description: 'remove every copy of the source (only objects marked as its copies)',
      exclusive: ['watch', 'from-annotations'],
    }),
    watch: Flags.boolean({char: 'w', description: 'keep running: reconcile on every change of the source, namespaces and copies'}),
    resync: Flags.string({description: 'with --watch: full reconcile this often even without events', default: '5m'}),
    'from-annotations': Flags.boolean({
      description:
        'fan out every object annotated kubed.appscode.com/sync or kubed.appscode.com/sync-contexts in the source context (one pass; not with --watch)',
      exclusive: ['delete', 'watch'],
    }),
    'all-or-nothing': Flags.boolean({
      description: 'when the access review finds targets you may not write, write none (exit 3) instead of the others (exit 4)',
    }),
    concurrency: Flags.integer({description: 'writes in flight at once', default: 8, min: 1}),
    qps: Flags.integer({description: 'writes per second per cluster (0: no limit)', default: 50, min: 0}),
    output: outputFormatFlag(),
    ...writeFlags,
    ...outputFlags,
  };

  async run(): Promise<void> {
    await this.runWith(Fanout, runFanoutCommand);
  }
}
