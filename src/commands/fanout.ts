import {Args, Flags} from '@oclif/core';
import {NOT_ATTEMPTED, applyFanoutPlan, hasFailures, readCopies, readFanoutTargets, type FanoutCluster, type FanoutResult} from '../cli/apply-fanout.js';
import {BaseCommand} from '../cli/base-command.js';
import {kubeFlags, outputFlags, parseDuration, writeFlags} from '../cli/flags.js';
import type {ClusterApi} from '../core/cluster-api.js';
import {DeclinedError, EXIT_CODES_HELP, ExitCode, InterruptedError, UsageError} from '../core/errors.js';
import {KUBED, ORIGIN_LABELS, isWrite, planFanout, planFanoutDelete, type ClusterRead, type ConflictPolicy, type FanoutPlan, type SourceRef} from '../core/fanout-plan.js';
import {compileNamespaceSelection, hasNamespaceSelection, type NamespaceSelection} from '../core/namespace-select.js';
import {kindFromWord, type ConfigKind, type ConfigObject} from '../core/types.js';
import type {Kubeconfig} from '../kube/kubeconfig.js';
import {renderDocument} from '../ui/output.js';
import {fanoutDocument, renderFanoutPlan, renderFanoutResults, sourceName} from '../ui/render-fanout.js';

/** Flags shared by fanout and fanout status: where the source is and where copies go. */
export const fanoutTargetFlags = {
  'all-namespaces': Flags.boolean({char: 'A', description: 'copy into every namespace (system namespaces only when named with --to-namespace)'}),
  'namespace-selector': Flags.string({description: "copy into namespaces matching this label selector, e.g. 'team in (a,b)'"}),
  'namespace-regex': Flags.string({description: 'copy into namespaces whose name matches this regular expression'}),
  'to-namespace': Flags.string({description: 'copy into these namespaces (comma-separated, repeatable)', multiple: true}),
  'exclude-namespace': Flags.string({description: 'never copy into these namespaces (comma-separated, repeatable)', multiple: true}),
  'to-context': Flags.string({
    description: "copy into these kubeconfig contexts (comma-separated, repeatable): the context's namespace, or the source namespace; namespace flags apply in each",
    multiple: true,
  }),
};

export interface FanoutTargetFlagValues {
  'all-namespaces': boolean;
  'namespace-selector'?: string;
  'namespace-regex'?: string;
  'to-namespace'?: string[];
  'exclude-namespace'?: string[];
  'to-context'?: string[];
  context?: string;
  namespace?: string;
}

export default class Fanout extends BaseCommand {
  static override summary = 'Copy one ConfigMap or Secret into many namespaces and clusters, and keep the copies in sync.';

  static override description = `Copies the source into the chosen namespaces (--all-namespaces, --namespace-selector, --namespace-regex, --to-namespace) of the source's cluster, or of the clusters named with --to-context. Each copy carries origin labels and annotations under configsync.kubectl.dev/. Copies in namespaces no longer selected are pruned (--no-prune keeps them). An object with the same name that is not a copy of this source is skipped unless --on-conflict overwrite|adopt.

It plans first: the plan is shown, then confirmed (or --yes). A second run writes nothing. With --watch it keeps running and reconciles on every change.

${EXIT_CODES_HELP}`;

  static override examples = [
    {description: 'Into every namespace of the current cluster', command: 'kubectl configsync fanout configmap/ca-bundle -n platform -A --yes'},
    {description: 'Into label-selected namespaces, plan only', command: "kubectl configsync fanout secret/registry -n platform --namespace-selector 'team in (a,b)' --dry-run=client"},
    {description: 'Into other clusters (their context namespace)', command: 'kubectl configsync fanout configmap/ca-bundle -n platform --to-context beta,gamma --yes'},
    {description: 'Keep running', command: 'kubectl configsync fanout configmap/ca-bundle -n platform -A --yes --watch'},
    {description: 'Remove every copy', command: 'kubectl configsync fanout --delete configmap/ca-bundle -n platform -A --to-context alpha,beta --yes'},
    {description: 'Migrate from Kubed annotations', command: 'kubectl configsync fanout --from-annotations --yes'},
  ];

  static override usage = 'fanout configmap/NAME|secret/NAME -n SOURCE_NAMESPACE [targets] [flags]';

  static override args = {
    object: Args.string({description: 'the source: configmap/NAME or secret/NAME'}),
  };

  static override flags = {
    ...kubeFlags,
    ...fanoutTargetFlags,
    'on-conflict': Flags.option({
      options: ['skip', 'overwrite', 'adopt'] as const,
      default: 'skip',
      description: 'an object with the same name that is not a copy: skip it (reported), overwrite its data (left unmarked), or adopt it as a copy',
    })(),
    prune: Flags.boolean({allowNo: true, default: true, description: 'delete copies of this source in namespaces no longer selected (--no-prune keeps them)'}),
    'strip-labels': Flags.boolean({description: "do not copy the source's labels and annotations (origin marks are always set)"}),
    delete: Flags.boolean({description: 'remove every copy of the source (only objects marked as its copies)', exclusive: ['watch', 'from-annotations']}),
    watch: Flags.boolean({char: 'w', description: 'keep running: reconcile on every change of the source, namespaces and copies'}),
    resync: Flags.string({description: 'with --watch: full reconcile this often even without events', default: '5m'}),
    'from-annotations': Flags.boolean({description: 'fan out every object annotated kubed.appscode.com/sync or kubed.appscode.com/sync-contexts in the source context (one pass; not with --watch)', exclusive: ['delete', 'watch']}),
    concurrency: Flags.integer({description: 'writes in flight at once', default: 8, min: 1}),
    qps: Flags.integer({description: 'writes per second per cluster (0: no limit)', default: 50, min: 0}),
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format'})(),
    ...writeFlags,
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Fanout);
    const selection = selectionFrom(flags);
    compileNamespaceSelection(selection); // a bad selector or regex fails before any request
    const kube = await this.loadKubeconfig(flags);
    const sourceContext = kube.resolveContext(flags.context);
    const sourceApi = kube.cluster(sourceContext);
    const targetContexts = resolveTargetContexts(kube, flags['to-context'], sourceContext);
    if (!flags['from-annotations'] && !args.object) throw new UsageError('name the source: configmap/NAME or secret/NAME (or use --from-annotations)');
    if (flags['from-annotations'] && args.object) throw new UsageError('--from-annotations finds its sources; do not also name one');

    if (flags['from-annotations']) {
      await this.runFromAnnotations(kube, sourceApi, flags);
      return;
    }
    const {kind, name} = parseSourceArg(args.object!);
    const namespace = flags.namespace ?? kube.namespaceOf(sourceContext);
    const ref: SourceRef = {kind, name, namespace, context: sourceContext, server: sourceApi.server};
    const clusters = targetContexts.map((context) => fanoutCluster(kube, context, namespace));

    if (flags.delete) {
      const apis = uniqueApis([sourceApi, ...clusters.map((c) => c.api)]);
      const plan = planFanoutDelete(ref, await readCopies(ref, apis));
      await this.confirmAndApply(plan, apis, flags, {verb: 'delete'});
      return;
    }
    if (!hasNamespaceSelection(selection) && flags['to-context'] === undefined) {
      throw new UsageError('name the targets: --all-namespaces, --namespace-selector, --namespace-regex, --to-namespace, and/or --to-context');
    }
    const options = {onConflict: flags['on-conflict'] as ConflictPolicy, prune: flags.prune, stripLabels: flags['strip-labels']};
    const buildPlan = async (): Promise<FanoutPlan> => {
      const [source, reads] = await Promise.all([sourceApi.getConfigObject(kind, namespace, name), readFanoutTargets(ref, clusters, selection)]);
      return planFanout(ref, source, reads, options);
    };

    if (flags.watch) {
      if (flags['dry-run'] === 'client') throw new UsageError('--watch writes as it goes; it cannot be combined with --dry-run=client');
      const {watchFanout} = await import('../cli/fanout-watch.js');
      const code = await watchFanout({
        ref,
        sourceApi,
        targets: clusters.map((c) => c.api),
        buildPlan,
        apply: (plan) => applyFanoutPlan(plan, apiMap(clusters.map((c) => c.api)), this.applyOptions(flags)),
        resyncMs: durationFlag('--resync', flags.resync),
        log: (line) => this.note(line),
        confirmFirst: () => this.confirmWatch(flags.yes),
      });
      this.setExitCode(code);
      return;
    }

    const plan = await buildPlan();
    if (!plan.source.exists) {
      throw new UsageError(`source ${sourceName(ref)} not found; to remove its copies use --delete`);
    }
    await this.confirmAndApply(plan, clusters.map((c) => c.api), flags, {verb: 'fanout'});
  }

  /** Shows the plan, asks (or takes --yes), applies, reports every target. */
  private async confirmAndApply(plan: FanoutPlan, apis: ClusterApi[], flags: FanoutFlagValues, how: {verb: string}): Promise<FanoutResult[]> {
    const theme = this.themeFor(flags['no-color']);
    const output = flags.output as 'table' | 'json' | 'yaml';
    const writes = plan.entries.filter(isWrite).length;
    if (flags['dry-run'] === 'client' || writes === 0) {
      if (output === 'table') this.print(renderFanoutPlan(plan, theme, {showUnchanged: plan.entries.length <= 50}));
      else this.print(renderDocument(fanoutDocument(plan), output));
      if (writes === 0 && flags['dry-run'] !== 'client') this.note('nothing to write: every copy is in sync');
      this.reportOutcome(plan.entries.some((e) => e.action === 'error'));
      return [];
    }
    if (!flags.yes) {
      this.note(renderFanoutPlan(plan, this.themeFor(flags['no-color'], process.stderr), {showUnchanged: plan.entries.length <= 50}));
      if (!canPrompt()) throw new UsageError(`refusing to ${how.verb} without confirmation: no terminal to ask on; pass --yes`);
      if (!(await promptConfirm(`Write ${writes} change${writes === 1 ? '' : 's'}?`))) throw new DeclinedError();
    }
    const progress = this.progress(writes);
    // SIGTERM/SIGINT while writing: let the writes in flight finish, start no more, report every target.
    let stopSignal: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopSignal) this.note(`${signal}: finishing the writes in flight, then stopping`);
      stopSignal = signal;
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
    let results: FanoutResult[];
    try {
      results = await applyFanoutPlan(plan, apiMap(apis), {...this.applyOptions(flags), onResult: (_r, done, total) => progress(done, total), stopRequested: () => stopSignal !== undefined});
    } finally {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
    }
    progress(writes, writes, true);
    const dryRun = flags['dry-run'] === 'server';
    if (output === 'table') this.print(renderFanoutResults(plan, results, theme, {dryRun, showUnchanged: plan.entries.length <= 50}));
    else this.print(renderDocument(fanoutDocument(plan, results), output));
    if (stopSignal) {
      const count = (outcome: FanoutResult['outcome']) => results.filter((r) => r.outcome === outcome && isWrite(r)).length;
      throw new InterruptedError(`interrupted (${stopSignal}): ${count('done')} done, ${count('failed')} failed, ${results.filter((r) => r.message === NOT_ATTEMPTED).length} not attempted; run the same command again to finish`);
    }
    this.reportOutcome(hasFailures(results));
    return results;
  }

  private reportOutcome(failed: boolean): void {
    if (failed) {
      this.note('error: some targets failed (see the report); the others were written');
      this.setExitCode(ExitCode.partial);
    } else this.setExitCode(ExitCode.ok);
  }

  private applyOptions(flags: FanoutFlagValues) {
    return {dryRun: flags['dry-run'] === 'server', fieldManager: flags['field-manager'], concurrency: flags.concurrency, qps: flags.qps};
  }

  /** A one-line progress bar on a terminal's stderr; nothing when piped. */
  private progress(total: number): (done: number, of: number, last?: boolean) => void {
    if (!process.stderr.isTTY || total < 10) return () => undefined;
    let shown = -1;
    return (done, of, last) => {
      const percent = Math.floor((done / of) * 100);
      if (percent === shown && !last) return;
      shown = percent;
      const width = 30;
      const filled = Math.round((done / of) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of}${last ? '\n' : ''}`);
    };
  }

  private async confirmWatch(yes: boolean): Promise<boolean> {
    if (yes) return true;
    if (!canPrompt()) throw new UsageError('refusing to watch without confirmation: no terminal to ask on; pass --yes');
    return promptConfirm('Keep copies in sync (writes without asking again)?');
  }

  /** Kubed migration: every annotated object, with Kubed's meaning; Kubed's copies are adopted. */
  private async runFromAnnotations(kube: Kubeconfig, sourceApi: ClusterApi, flags: FanoutFlagValues): Promise<void> {
    const objects = (await Promise.all((['ConfigMap', 'Secret'] as ConfigKind[]).map((kind) => sourceApi.listConfigObjects(kind, undefined)))).flat();
    // Copies (Kubed's or ours) are never sources, even if an annotation was carried over.
    const isCopy = (o: ConfigObject) => Object.hasOwn(o.labels, KUBED.originName) || Object.hasOwn(o.labels, ORIGIN_LABELS.id);
    const sources = objects.filter((o) => !isCopy(o) && (Object.hasOwn(o.annotations, KUBED.sync) || Object.hasOwn(o.annotations, KUBED.syncContexts)));
    sources.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    if (sources.length === 0) {
      this.note(`no ConfigMap or Secret in context "${sourceApi.context}" carries ${KUBED.sync} or ${KUBED.syncContexts}`);
      this.setExitCode(ExitCode.ok);
      return;
    }
    const plans: FanoutPlan[] = [];
    for (const source of sources) {
      const ref: SourceRef = {kind: source.kind, name: source.name, namespace: source.namespace, context: sourceApi.context, server: sourceApi.server};
      const reads: ClusterRead[] = [];
      const sync = source.annotations[KUBED.sync];
      if (sync !== undefined) {
        // Kubed: an empty value means every namespace, otherwise a namespace label selector.
        const selection: NamespaceSelection = sync.trim() === '' ? {all: true} : {selector: sync};
        reads.push(...(await readFanoutTargets(ref, [fanoutCluster(kube, sourceApi.context, source.namespace)], selection)));
      }
      const contexts = (source.annotations[KUBED.syncContexts] ?? '').split(',').map((c) => c.trim()).filter(Boolean);
      const others = contexts.filter((c) => c !== sourceApi.context);
      if (others.length > 0) {
        const resolved = resolveTargetContexts(kube, others, sourceApi.context);
        reads.push(...(await readFanoutTargets(ref, resolved.map((c) => fanoutCluster(kube, c, source.namespace)), {})));
      }
      plans.push(planFanout(ref, source, reads, {onConflict: flags['on-conflict'] as ConflictPolicy, prune: flags.prune, stripLabels: flags['strip-labels'], adoptKubedCopies: true}));
    }
    const merged = mergePlans(plans);
    const apis = uniqueApis([sourceApi, ...merged.contexts.map((c) => kube.cluster(c))]);
    const theme = this.themeFor(flags['no-color']);
    const output = flags.output as 'table' | 'json' | 'yaml';
    const writes = plans.reduce((n, p) => n + p.entries.filter(isWrite).length, 0);
    const showPlans = (stream: 'stdout' | 'stderr') => {
      const text = plans.map((p) => renderFanoutPlan(p, stream === 'stdout' ? theme : this.themeFor(flags['no-color'], process.stderr))).join('\n');
      if (stream === 'stdout') this.print(text);
      else this.note(text);
    };
    if (flags['dry-run'] === 'client' || writes === 0) {
      if (output === 'table') showPlans('stdout');
      else this.print(renderDocument(plans.map((p) => fanoutDocument(p)), output));
      this.reportOutcome(plans.some((p) => p.entries.some((e) => e.action === 'error')));
      return;
    }
    if (!flags.yes) {
      showPlans('stderr');
      if (!canPrompt()) throw new UsageError('refusing to fan out without confirmation: no terminal to ask on; pass --yes');
      if (!(await promptConfirm(`Write ${writes} change${writes === 1 ? '' : 's'} for ${plans.length} sources?`))) throw new DeclinedError();
    }
    const allResults: FanoutResult[][] = [];
    for (const plan of plans) allResults.push(await applyFanoutPlan(plan, apiMap(apis), this.applyOptions(flags)));
    if (output === 'table') this.print(plans.map((p, i) => renderFanoutResults(p, allResults[i], theme, {dryRun: flags['dry-run'] === 'server'})).join('\n'));
    else this.print(renderDocument(plans.map((p, i) => fanoutDocument(p, allResults[i])), output));
    this.reportOutcome(allResults.some(hasFailures));
  }
}

type FanoutFlagValues = FanoutTargetFlagValues & {
  output: string;
  'dry-run': string;
  'field-manager': string;
  yes: boolean;
  'no-color'?: boolean;
  concurrency: number;
  qps: number;
  'on-conflict': string;
  prune: boolean;
  'strip-labels': boolean;
};

export function selectionFrom(flags: FanoutTargetFlagValues): NamespaceSelection {
  return {
    all: flags['all-namespaces'],
    selector: flags['namespace-selector'],
    regex: flags['namespace-regex'],
    names: splitList(flags['to-namespace']),
    exclude: splitList(flags['exclude-namespace']),
  };
}

export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export function parseSourceArg(text: string): {kind: ConfigKind; name: string} {
  const slash = text.indexOf('/');
  const kindWord = slash < 0 ? '' : text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  const kind = kindFromWord(kindWord);
  if (!kind || !name) throw new UsageError(`"${text}": expected configmap/NAME or secret/NAME`);
  return {kind, name};
}

/** --to-context names, or the source context alone. Unknown contexts are usage errors. */
export function resolveTargetContexts(kube: Kubeconfig, values: string[] | undefined, sourceContext: string): string[] {
  const names = splitList(values);
  if (names.length === 0) return [sourceContext];
  return [...new Set(names.map((n) => kube.resolveContext(n)))];
}

/** A target cluster; without namespace flags the copy goes to the context's namespace, or the source's. */
export function fanoutCluster(kube: Kubeconfig, context: string, sourceNamespace: string): FanoutCluster {
  const api = kube.cluster(context);
  const own = kube.contexts.find((c) => c.name === context)?.namespace;
  return {context, server: api.server, defaultNamespace: own || sourceNamespace, api};
}

function uniqueApis(apis: ClusterApi[]): ClusterApi[] {
  const seen = new Map<string, ClusterApi>();
  for (const api of apis) if (!seen.has(api.context)) seen.set(api.context, api);
  return [...seen.values()];
}

function apiMap(apis: ClusterApi[]): Map<string, ClusterApi> {
  return new Map(apis.map((a) => [a.context, a]));
}

function mergePlans(plans: FanoutPlan[]): {contexts: string[]} {
  return {contexts: [...new Set(plans.flatMap((p) => p.entries.map((e) => e.context)))]};
}

function durationFlag(name: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`);
  }
}

/** Prompts need a terminal on both ends; without one we refuse rather than hang. */
function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

async function promptConfirm(message: string): Promise<boolean> {
  const {confirm} = await import('@inquirer/prompts');
  return confirm({message, default: false}, {input: process.stdin, output: process.stderr});
}
