import {Args, Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {kubeFlags, outputFlags, outputFormatFlag, restartFlags, writeFlags} from '../cli/flags.js';
import {exitCodesHelp} from '../core/errors.js';
import {runRestartCommand} from './restart-run.js';

export default class Restart extends BaseCommand {
  static override summary = 'Restart the workloads that read a changed ConfigMap or Secret.';

  static override description = `Finds every workload in the namespace whose pod template reads the object (env valueFrom, envFrom, volumes, projected volumes; containers and init containers) with one LIST per workload kind, then restarts them the way \`kubectl rollout restart\` does: a strategic-merge patch of the pod template's kubectl.kubernetes.io/restartedAt annotation. -l narrows the workloads with a label selector; -A reads every namespace, where each workload counts as a reader of the object of that name in its own namespace.

With --keys only workloads that read one of those keys are restarted: envFrom and whole-volume mounts read every key, a volume with items reads the listed keys, an env var reads its one key.

Workloads that only mount the object as a volume without subPath get new files from the kubelet: they need no restart and are listed as "no restart needed" (--no-skip-volume-only restarts them too, for programs that read their files only at start). Paused Deployments are refused, as kubectl does.

${exitCodesHelp([0, 2, 3, 4, 5, 130], {
  0: 'restarted (or nothing to restart)',
  2: 'usage error: bad flag, object, selector or kubeconfig',
  4: 'partial failure: some workloads were not restarted (see the report)',
})}`;

  static override examples = [
    {description: 'Restart what reads a ConfigMap', command: 'kubectl configsync restart configmap/app -n prod'},
    {description: "Only the web tier's readers", command: 'kubectl configsync restart configmap/app -n prod -l tier=web'},
    {
      description: "Every namespace's copy of a ConfigMap (e.g. after fanout), as a preview",
      command: 'kubectl configsync restart configmap/app -A --dry-run=client',
    },
    {
      description: 'Only the readers of two keys, as a preview',
      command: 'kubectl configsync restart configmap/app --keys LOG_LEVEL,db.url --dry-run=client',
    },
    {
      description: 'Two at a time, following each rollout',
      command: 'kubectl configsync restart secret/db-creds --max-parallel 2 --wait --timeout 3m --halt-on-failure --yes',
    },
  ];

  static override variadic = true;

  static override usage = 'restart (configmap|secret)/NAME... [flags]';

  static override args = {
    object: Args.string({description: 'what changed: configmap/NAME or secret/NAME (any number)'}),
  };

  static override flags = {
    ...kubeFlags,
    'all-namespaces': Flags.boolean({
      char: 'A',
      description: 'look in every namespace: each workload is matched against the objects of that name in its own namespace',
      exclusive: ['namespace'],
    }),
    selector: Flags.string({
      char: 'l',
      description: 'only consider workloads with these labels, e.g. tier=web,track!=canary (filtered by the API server)',
    }),
    keys: Flags.string({description: 'only workloads that read one of these keys (comma-separated)'}),
    ...restartFlags,
    ...writeFlags,
    output: outputFormatFlag(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    await this.runWith(Restart, runRestartCommand);
  }
}
