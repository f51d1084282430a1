import {Flags} from '@oclif/core';
import {BaseCommand} from '../cli/base-command.js';
import {kubeFlags, outputFlags, writeFlags} from '../cli/flags.js';
import {
  allRestartsFailed,
  applyRestartPlan,
  previewRestartPlan,
  readRestartPlan,
  restartFlags,
  rolloutOptionsFrom,
} from '../cli/rollout.js';
import type {ConfigTarget} from '../core/consumers.js';
import {DeclinedError, exitCodesHelp, ExitCode, UsageError} from '../core/errors.js';
import {parseLabelSelector} from '../core/namespace-select.js';
import {kindFromWord, type ConfigKind} from '../core/types.js';
import {renderDocument} from '../ui/output.js';
import {canPrompt, promptConfirm} from '../ui/prompts.js';
import {renderRestartReport} from '../ui/render-restart.js';
import {counted} from '../core/words.js';

export default class Restart extends BaseCommand {
  static override summary = 'Restart the workloads that read a changed ConfigMap or Secret.';

  static override description = `Finds every workload in the namespace whose pod template reads the object (env valueFrom, envFrom, volumes, projected volumes; containers and init containers) with one LIST per workload kind, then restarts them the way \`kubectl rollout restart\` does: a strategic-merge patch of the pod template's kubectl.kubernetes.io/restartedAt annotation. -l narrows the workloads with a label selector; -A reads every namespace, where each workload counts as a reader of the object of that name in its own namespace.

With --keys only workloads that read one of those keys are restarted: envFrom and whole-volume mounts read every key, a volume with items reads the listed keys, an env var reads its one key.

Workloads that only mount the object as a volume without subPath get new files from the kubelet without a restart; they are marked, and left alone with --skip-volume-only. Paused Deployments are refused, as kubectl does.

${exitCodesHelp([0, 2, 3, 4, 5, 130], {0: 'restarted (or nothing to restart)'})}`;

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

  static override strict = false;

  static override usage = 'restart (configmap|secret)/NAME... [flags]';

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
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format'})(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Restart);
    const keys = flags.keys === undefined ? undefined : parseKeys(flags.keys);
    const targets = parseTargets(argv as string[], keys);
    // A bad -l is the user's typo: say so before any request, not as the server's HTTP 400.
    if (flags.selector !== undefined) parseLabelSelector(flags.selector);
    const options = rolloutOptionsFrom(flags, (line) => this.note(line));
    const kube = await this.loadKubeconfig(flags);
    const context = kube.resolveContext(flags.context);
    const namespace = flags['all-namespaces'] ? undefined : (flags.namespace ?? kube.namespaceOf(context));
    const cluster = kube.cluster(context);
    if (flags['max-parallel'] > 0 && !flags.wait) {
      this.note(
        'note: without --wait, --max-parallel only limits how many restarts are sent at once; add --wait to let each wave roll out first',
      );
    }

    const plan = await readRestartPlan(
      cluster,
      namespace,
      targets,
      {skipVolumeOnly: flags['skip-volume-only'], maxParallel: flags['max-parallel']},
      flags.selector,
    );
    const restarts = plan.items.filter((i) => i.action === 'restart').length;
    if (restarts > 0 && flags['dry-run'] === 'none' && !flags.yes) {
      if (!canPrompt()) {
        throw new UsageError(
          `refusing to restart ${counted(restarts, 'workload')} without confirmation: no terminal; pass --yes (or --dry-run=client to preview)`,
        );
      }
      this.note(
        renderRestartReport(previewRestartPlan(plan, 'client'), this.themeFor(flags['no-color'], process.stderr), {confirming: true}),
      );
      const where = namespace === undefined ? `${context}, all namespaces` : `${context}/${namespace}`;
      const ok = await promptConfirm(`Restart ${counted(restarts, 'workload')} in ${where}?`);
      if (!ok) throw new DeclinedError('declined: nothing was restarted');
    }

    const report = await applyRestartPlan(cluster, plan, options);
    for (const item of plan.items) {
      if (item.kind === 'Deployment' && item.action === 'skip' && item.reason?.includes('paused')) this.note(`warning: ${item.reason}`);
    }
    if (flags.output === 'table') this.print(renderRestartReport(report, this.themeFor(flags['no-color'])));
    else this.print(renderDocument(report, flags.output));

    if (report.summary.failed === 0) return this.setExitCode(ExitCode.ok);
    if (allRestartsFailed(report)) {
      const first = report.workloads.find((w) => w.status === 'failed');
      this.note(`error: no workload was restarted: ${first?.reason}`);
      return this.setExitCode(ExitCode.cluster);
    }
    this.setExitCode(ExitCode.partial);
  }
}

/** "configmap/a secret/b", or kubectl's "configmap a b". */
export function parseTargets(words: string[], keys: string[] | undefined): ConfigTarget[] {
  if (words.length === 0) throw new UsageError('name what changed: configmap/NAME or secret/NAME (several allowed)');
  const targets: ConfigTarget[] = [];
  let kindForBareNames: ConfigKind | undefined;
  for (const word of words) {
    const slash = word.indexOf('/');
    if (slash < 0) {
      const kind = kindFromWord(word);
      if (kind && targets.length === 0 && kindForBareNames === undefined) {
        kindForBareNames = kind;
        continue;
      }
      if (!kindForBareNames) throw new UsageError(`"${word}": expected configmap/NAME or secret/NAME`);
      targets.push({kind: kindForBareNames, name: word, keys});
      continue;
    }
    const kind = kindFromWord(word.slice(0, slash));
    const name = word.slice(slash + 1);
    if (!kind || !name) throw new UsageError(`"${word}": expected configmap/NAME or secret/NAME`);
    targets.push({kind, name, keys});
  }
  if (targets.length === 0)
    throw new UsageError(`name the ${kindForBareNames === 'Secret' ? 'secret' : 'configmap'}: e.g. configmap NAME or configmap/NAME`);
  return targets;
}

function parseKeys(text: string): string[] {
  const keys = [
    ...new Set(
      text
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
  if (keys.length === 0) throw new UsageError('--keys: name at least one key');
  return keys;
}
