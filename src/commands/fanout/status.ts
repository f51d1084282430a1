import {Args} from '@oclif/core';
import {readCopies, readFanoutTargets} from '../../actions/fanout/apply-fanout.js';
import {BaseCommand} from '../../cli/base-command.js';
import {fanoutTargetFlags, kubeFlags, outputFlags, outputFormatFlag} from '../../cli/flags.js';
import {EXIT_CODES_HELP, ExitCode} from '../../core/errors.js';
import {planFanoutStatus} from '../../core/fanout-plan.js';
import {hasNamespaceSelection} from '../../core/namespace-select.js';
import {renderDocument} from '../../ui/output.js';
import {renderFanoutStatus} from '../../ui/render-fanout.js';
import {fanoutStatusDocument} from '../../core/contracts/fanout-documents.js';
import {fanoutCluster, parseSourceArg, resolveTargetContexts, selectionFrom, sourceRefFor} from '../../actions/fanout/fanout-targets.js';

export default class FanoutStatus extends BaseCommand {
  static override summary = 'Audit every copy of a fanned-out ConfigMap or Secret: in sync, stale, edited locally, or orphaned.';

  static override description = `Finds the copies by their origin labels (one LIST per context) in the source's context and every --to-context.
  in sync        the copy holds the source's current data
  stale          the source changed since the copy was written
  edited locally the copy's data no longer matches what was written
  orphaned       the source is gone
  missing        a target named by the namespace flags or --to-context has no copy

Without target flags it only audits the copies it finds. Exit 1 when any copy is not in sync (or missing).

${EXIT_CODES_HELP}`;

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
    ...fanoutTargetFlags,
    output: outputFormatFlag(),
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
    else this.print(renderDocument(fanoutStatusDocument(status, errors), flags.output));
    if (errors.length > 0) {
      for (const error of errors) this.note(`error: context ${error.context}: ${error.message}`);
      this.setExitCode(ExitCode.partial);
    } else this.setExitCode(status.copies.some((c) => c.state !== 'in-sync') ? ExitCode.differences : ExitCode.ok);
  }
}
