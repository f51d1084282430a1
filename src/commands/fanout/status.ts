import {Args, Flags} from '@oclif/core';
import {readCopies, readFanoutTargets} from '../../cli/apply-fanout.js';
import {BaseCommand} from '../../cli/base-command.js';
import {kubeFlags, outputFlags} from '../../cli/flags.js';
import {exitCodesHelp, ExitCode} from '../../core/errors.js';
import {planFanoutStatus} from '../../core/fanout-plan.js';
import {hasNamespaceSelection} from '../../core/namespace-select.js';
import {renderDocument} from '../../ui/output.js';
import {publicSource, renderFanoutStatus} from '../../ui/render-fanout.js';
import {
  fanoutCluster,
  statusTargetFlags,
  parseSourceArg,
  resolveTargetContexts,
  selectionFrom,
  sourceRefFor,
} from '../../cli/fanout-targets.js';

export default class FanoutStatus extends BaseCommand {
  static override summary = 'Audit the copies of a fanned-out ConfigMap or Secret.';

  static override description = `Finds the copies by their origin labels (one LIST per context) in the source's context and every --to-context. Each copy is in one state:

  in sync         the copy holds the source's current data
  stale           the source changed since the copy was written
  edited locally  the copy's data no longer matches what was written
  orphaned        the source is gone
  missing         an expected target (namespace flags, --to-context) has none

Without target flags it only audits the copies it finds. Exit 1 when any copy is not in sync (or missing).

${exitCodesHelp([0, 1, 2, 3, 4], {0: 'every copy in sync', 1: 'a copy is not in sync, or missing', 4: 'a context could not be read'})}`;

  static override examples = [
    {description: 'Copies in the current cluster', command: 'kubectl configsync fanout status configmap/ca-bundle -n platform'},
    {
      description: 'And in other clusters, as JSON',
      command: 'kubectl configsync fanout status secret/registry -n platform --to-context beta,gamma -o json',
    },
  ];

  static override usage = 'fanout status configmap/NAME|secret/NAME -n SOURCE_NAMESPACE [--to-context C1,C2]';

  static override args = {
    object: Args.string({description: 'the source: configmap/NAME or secret/NAME', required: true}),
  };

  static override flags = {
    ...kubeFlags,
    ...statusTargetFlags,
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format'})(),
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FanoutStatus);
    const {kind, name} = parseSourceArg(args.object);
    const kube = await this.loadKubeconfig(flags);
    const sourceContext = kube.resolveContext(flags.context);
    const sourceApi = kube.cluster(sourceContext);
    const namespace = flags.namespace ?? kube.namespaceOf(sourceContext);
    const contexts = [...new Set([sourceContext, ...resolveTargetContexts(kube, flags['to-context'], sourceContext)])];
    const ref = await sourceRefFor(
      sourceApi,
      {kind, name, namespace},
      contexts.map((c) => kube.cluster(c)),
    );
    const selection = selectionFrom(flags);
    // With targets named, the same choice as fanout tells which copies should exist.
    const withTargets = hasNamespaceSelection(selection) || flags['to-context'] !== undefined;
    const targetClusters = resolveTargetContexts(kube, flags['to-context'], sourceContext).map((c) => fanoutCluster(kube, c, namespace));
    const [source, reads, targets] = await Promise.all([
      sourceApi.getConfigObject(kind, namespace, name),
      readCopies(
        ref,
        contexts.map((c) => kube.cluster(c)),
      ),
      withTargets ? readFanoutTargets(ref, targetClusters, selection) : Promise.resolve([]),
    ]);
    // One row per copy (cluster identity and namespace), however many contexts reach it.
    const expected = targets.flatMap((t) =>
      t.cluster === undefined ? [] : t.targets.map((ns) => ({context: t.context, cluster: t.cluster!, namespace: ns})),
    );
    const copies = reads.flatMap((r) =>
      r.cluster === undefined ? [] : r.objects.map((object) => ({context: r.context, cluster: r.cluster!, object})),
    );
    const status = planFanoutStatus(ref, source, copies, expected);
    const errors = [
      ...new Map([...reads, ...targets].filter((r) => r.error).map((r) => [r.context, {context: r.context, message: r.error!}])).values(),
    ];
    if (flags.output === 'table') this.print(renderFanoutStatus(status, this.themeFor(flags['no-color']), errors));
    else
      this.print(
        renderDocument(
          {apiVersion: 'configsync.kubectl.dev/v1alpha1', kind: 'FanoutStatus', ...status, source: publicSource(status.source), errors},
          flags.output,
        ),
      );
    if (errors.length > 0) {
      for (const error of errors) this.note(`error: context ${error.context}: ${error.message}`);
      this.setExitCode(ExitCode.partial);
    } else this.setExitCode(status.copies.some((c) => c.state !== 'in-sync') ? ExitCode.differences : ExitCode.ok);
  }
}
