import {journalSaved} from '../../ui/messages.js';
import {outputWidth} from '../../ui/width.js';
import type {ClusterApi} from '../../core/cluster-api.js';
import {ClusterError, DeclinedError, ExitCode, InterruptedError, UsageError, type ExitCodeValue} from '../../core/errors.js';
import {accessNeeded, applyPreflight, describePreflight, type NeededAccess} from '../../core/fanout-preflight.js';
import {
  KUBED,
  isWrite,
  planFanout,
  planFanoutDelete,
  type ConflictPolicy,
  type FanoutPlan,
  type FanoutPlanOptions,
  type SourceRef,
} from '../../core/fanout-plan.js';
import {compileNamespaceSelection, hasNamespaceSelection, type NamespaceSelection} from '../../core/namespace-select.js';
import type {Kubeconfig} from '../../kube/kubeconfig.js';
import {renderDocument} from '../../ui/output.js';
import {fanoutDocument} from '../../core/contracts/fanout-documents.js';
import {renderFanoutPlan, renderFanoutResults, sourceName} from '../../ui/render-fanout.js';
import {isTableOutput, tableWidth} from '../../ui/width.js';
import type {Theme} from '../../ui/theme.js';
import {RunStore} from '../../kube/run-store.js';
import {admitOwnedTargets, WritePath} from '../../kube/write-path.js';
import {describeOwner, isContested, type ForceOwned, type OwnerTool} from '../../core/owners.js';
import {
  NOT_ATTEMPTED,
  applyFanoutPlan,
  hasFailures,
  readCopies,
  readFanoutTargets,
  type FanoutCluster,
  type FanoutResult,
} from './apply-fanout.js';
import {planFromAnnotations} from './fanout-annotations.js';
import {
  fanoutCluster,
  parseSourceArg,
  resolveTargetContexts,
  selectionFrom,
  sourceRefFor,
  uniqueApis,
  type FanoutTargetFlagValues,
} from './fanout-targets.js';
import {parseTimerDuration as parseDuration} from '../../core/duration.js';
import {runStoppable} from '../stop-signal.js';

/** The fanout flags, as the command parsed them. */
export type FanoutFlagValues = FanoutTargetFlagValues & {
  output: 'table' | 'wide' | 'json' | 'yaml';
  'dry-run': 'none' | 'client' | 'server';
  'field-manager': string;
  yes: boolean;
  'force-owned'?: boolean;
  concurrency: number;
  qps: number;
  'on-conflict': ConflictPolicy;
  prune: boolean;
  'strip-labels': boolean;
  delete: boolean;
  watch: boolean;
  resync: string;
  'from-annotations': boolean;
  'cluster-name'?: string;
  'all-or-nothing'?: boolean;
};

export interface FanoutIo {
  /** stdout: plans, results, documents. */
  print(text: string): void;
  /** stderr: previews, progress, notes. */
  note: (text: string) => void;
  theme(stream: 'stdout' | 'stderr'): Theme;
  canPrompt(): boolean;
  confirm(message: string): Promise<boolean>;
  loadKubeconfig(): Promise<Kubeconfig>;
}

/** Plans, confirms, applies and reports one fanout (or --delete, --watch, --from-annotations); returns the exit code. */
export async function runFanout(object: string | undefined, flags: FanoutFlagValues, io: FanoutIo): Promise<ExitCodeValue> {
  const selection = selectionFrom(flags);
  compileNamespaceSelection(selection); // a bad selector or regex fails before any request
  const kube = await io.loadKubeconfig();
  const sourceContext = kube.resolveContext(flags.context);
  const sourceApi = kube.cluster(sourceContext);
  const targetContexts = resolveTargetContexts(kube, flags['to-context'], sourceContext);
  if (!flags['from-annotations'] && !object)
    throw new UsageError('name the source: configmap/NAME or secret/NAME (or use --from-annotations)');
  if (flags['from-annotations'] && object) throw new UsageError('--from-annotations finds its sources; do not also name one');
  if (flags['from-annotations']) {
    // The annotations say where each object goes: a target flag beside them would be ignored, so it is refused.
    const given = (
      ['namespace', 'to-context', 'to-namespace', 'exclude-namespace', 'namespace-selector', 'namespace-regex'] as const
    ).filter((f) => flags[f] !== undefined);
    if (flags['all-namespaces']) given.push('all-namespaces' as never);
    if (given.length > 0)
      throw new UsageError(
        `--from-annotations takes its targets from the Kubed annotations; remove ${given.map((f) => `--${f}`).join(', ')}`,
      );
  }
  const planOptions = {
    onConflict: flags['on-conflict'],
    prune: flags.prune,
    stripLabels: flags['strip-labels'],
    fieldManager: flags['field-manager'],
  };

  if (flags['from-annotations']) {
    const {plans, apis} = await planFromAnnotations(kube, sourceApi, planOptions, flags['cluster-name']);
    if (plans.length === 0) {
      io.note(`no ConfigMap or Secret in context "${sourceApi.context}" carries ${KUBED.sync} or ${KUBED.syncContexts}`);
      return ExitCode.ok;
    }
    const writes = countWrites(plans);
    return confirmAndApply(
      {
        plans,
        apis,
        single: false,
        refusal: 'refusing to fan out without confirmation',
        question: `Write ${changes(writes)} for ${plans.length} sources?`,
        supersedes: ['kubed'],
      },
      flags,
      io,
    );
  }
  const {kind, name} = parseSourceArg(object!);
  const namespace = flags.namespace ?? kube.namespaceOf(sourceContext);
  const clusters = targetContexts.map((context) => fanoutCluster(kube, context, namespace));
  const apis = clusters.map((c) => c.api);
  const ref = await sourceRefFor(sourceApi, {kind, name, namespace}, apis, flags['cluster-name']);

  if (flags.delete) {
    const all = uniqueApis([sourceApi, ...apis]);
    const plan = await preflightFanout(planFanoutDelete(ref, await readCopies(ref, all)), apiMap(all));
    return confirmAndApply(
      {
        plans: [plan],
        apis: all,
        single: true,
        refusal: 'refusing to delete without confirmation',
        question: `Write ${changes(countWrites([plan]))}?`,
      },
      flags,
      io,
    );
  }
  if (!hasNamespaceSelection(selection) && flags['to-context'] === undefined) {
    throw new UsageError(
      'name the targets: --all-namespaces, --namespace-selector, --namespace-regex, --to-namespace, and/or --to-context',
    );
  }
  const buildPlan = namedSourcePlanner(sourceApi, ref, clusters, selection, planOptions);

  if (flags.watch) {
    const watchOptions = applyOptions(flags, ref);
    if (flags['dry-run'] === 'client') throw new UsageError('--watch writes as it goes; it cannot be combined with --dry-run=client');
    const {watchFanout} = await import('./fanout-watch.js');
    return watchFanout({
      ref,
      sourceApi,
      targets: apis,
      buildPlan,
      apply: (plan) => applyFanoutPlan(plan, apiMap(apis), watchOptions),
      resyncMs: durationFlag('--resync', flags.resync),
      log: io.note,
      dryRun: flags['dry-run'] === 'server',
      confirmFirst: () => confirmWatch(flags.yes, io),
    });
  }

  const plan = await buildPlan();
  if (!plan.source.exists) throw new UsageError(`source ${sourceName(ref)} not found; to remove its copies use --delete`);
  return confirmAndApply(
    {
      plans: [plan],
      apis,
      single: true,
      refusal: 'refusing to fanout without confirmation',
      question: `Write ${changes(countWrites([plan]))}?`,
    },
    flags,
    io,
  );
}

/**
 * Reads and plans one named source (level-triggered: all of it, every time): the one way
 * `fanout`, `fanout --watch` and `controller run` plan a source given by name.
 */
export function namedSourcePlanner(
  sourceApi: ClusterApi,
  ref: SourceRef,
  clusters: FanoutCluster[],
  selection: NamespaceSelection,
  planOptions: FanoutPlanOptions,
): () => Promise<FanoutPlan> {
  const apis = apiMap(clusters.map((c) => c.api));
  return async () => {
    const [source, reads] = await Promise.all([
      sourceApi.getConfigObject(ref.kind, ref.namespace, ref.name),
      readFanoutTargets(ref, clusters, selection),
    ]);
    return preflightFanout(planFanout(ref, source, reads, planOptions), apis);
  };
}

/** Asks the API server (SelfSubjectAccessReview) whether each planned write is allowed; a review that fails lets the write try. */
async function preflightFanout(plan: FanoutPlan, clients: Map<string, ClusterApi>): Promise<FanoutPlan> {
  const needed = accessNeeded(plan);
  if (needed.length === 0) return plan;
  const ask = (access: Omit<NeededAccess, 'namespace'> & {namespace?: string}) =>
    clients
      .get(access.context)
      ?.canI(access.verb, access.kind, access.namespace)
      .catch(() => true) ?? Promise.resolve(true);
  // One review per context and verb for all namespaces first: an admin needs no review per namespace.
  const broad = [...new Map(needed.map((a) => [`${a.context} ${a.verb}`, {...a, namespace: undefined}])).values()];
  const broadAnswers = await Promise.all(broad.map(ask));
  const everywhere = new Set(broad.filter((_, i) => broadAnswers[i]).map((a) => `${a.context} ${a.verb}`));
  const narrow = needed.filter((a) => !everywhere.has(`${a.context} ${a.verb}`));
  const answers = await Promise.all(narrow.map(ask));
  const denied = new Set(narrow.filter((_, i) => !answers[i]).map((a) => `${a.context} ${a.namespace} ${a.verb}`));
  return applyPreflight(plan, (access) => !denied.has(`${access.context} ${access.namespace} ${access.verb}`));
}

/** Plans to show, confirm and apply together: one source, or every annotated source. */
interface Batch {
  plans: FanoutPlan[];
  apis: ClusterApi[];
  /** One source: one document rather than a list, unchanged rows only up to 50, a progress bar. */
  single: boolean;
  refusal: string;
  question: string;
  /** Owners this batch takes over by design: --from-annotations replaces Kubed, so its copies are adopted. */
  supersedes?: OwnerTool[];
}

/** Shows the plans, asks (or takes --yes), applies with the stop-signal guard, reports every target. */
async function confirmAndApply(batch: Batch, flags: FanoutFlagValues, io: FanoutIo): Promise<ExitCodeValue> {
  const {plans, single} = batch;
  const output = flags.output;
  const writes = countWrites(plans);
  for (const warning of plans.flatMap((p) => p.warnings ?? [])) io.note(`warning: ${warning}`);
  const denied = plans.filter((p) => (p.preflight?.denied.length ?? 0) > 0);
  for (const plan of denied) io.note(`warning: ${describePreflight(plan.preflight!)}`);
  if (denied.length > 0 && flags['all-or-nothing'] && flags['dry-run'] !== 'client') {
    throw new ClusterError(`${denied.map((p) => describePreflight(p.preflight!)).join('; ')}; nothing was written (--all-or-nothing)`, 403);
  }
  const shown = (plan: FanoutPlan) => (single ? {showUnchanged: plan.entries.length <= 50} : {});
  const renderPlans = (theme: Theme, stream: NodeJS.WriteStream) =>
    plans.map((p) => renderFanoutPlan(p, theme, {...shown(p), width: tableWidth(output, stream)})).join('\n');
  const documents = (results?: FanoutResult[][]) => {
    const docs = plans.map((p, i) => fanoutDocument(p, results?.[i]));
    return renderDocument(single ? docs[0] : docs, output as 'json' | 'yaml');
  };
  if (flags['dry-run'] === 'client' || writes === 0) {
    io.print(isTableOutput(output) ? renderPlans(io.theme('stdout'), process.stdout) : documents());
    const failing = plans.some((p) => p.entries.some((e) => e.action === 'error'));
    if (single && writes === 0 && !failing && flags['dry-run'] !== 'client') io.note('nothing to write: every copy is in sync');
    return reportOutcome(
      plans.some((p) => p.entries.some((e) => e.action === 'error')),
      io,
      'planned',
    );
  }
  const superseded = batch.supersedes ?? [];
  const owned = plans.flatMap((p) => p.entries.filter((e) => isWrite(e) && isContested(e.owner) && !superseded.includes(e.owner.tool)));
  let forceOwned = flags['force-owned'] === true;
  // A server dry run stores nothing, so there is nothing to confirm (as in sync, restart and undo).
  if (!flags.yes && flags['dry-run'] === 'none') {
    io.note(renderPlans(io.theme('stderr'), process.stderr));
    if (!io.canPrompt()) throw new UsageError(`${batch.refusal}: no terminal to ask on; pass --yes`);
    // On a terminal the question names the owners: answering yes is --force-owned for them.
    const ownedNote =
      forceOwned || owned.length === 0
        ? ''
        : ` ${owned.map((e) => `${e.context}/${e.namespace} is owned by ${describeOwner(e.owner)}`).join('; ')}; write anyway?`;
    if (!(await io.confirm(`${batch.question}${ownedNote}`))) throw new DeclinedError();
    if (owned.length > 0) forceOwned = true;
  }
  // Before the journal and the first write: a target another owner would undo stops the whole run.
  admitOwnedTargets(
    plans.flatMap((p) =>
      p.entries.filter(isWrite).map((e) => ({object: e.existing, where: `${sourceObjectRef(p)} in ${e.context}/${e.namespace}`})),
    ),
    forceOwned || superseded,
  );
  const progress = single ? progressBar(writes) : () => undefined;
  const clients = apiMap(batch.apis);
  const options = applyOptions(flags, plans[0].source, forceOwned || superseded);
  const {value: results, signal} = await runStoppable('writes', io.note, async (stopRequested) => {
    const all: FanoutResult[][] = [];
    // Sources one after another; once stopped, the later plans start nothing and report every write as not attempted.
    for (const plan of plans) {
      all.push(await applyFanoutPlan(plan, clients, {...options, onResult: (_r, done, total) => progress(done, total), stopRequested}));
    }
    return all;
  });
  const journal = options.writer.journalOpened;
  journal?.close();
  // No journal, no write: one line naming the directory and the cause, as sync says it.
  const failure = options.writer.journalFailure;
  if (failure && !journal) throw new ClusterError(failure.message);
  if (journal) io.note(journalSaved(options.runId, outputWidth({stream: process.stderr})));
  progress(writes, writes, true);
  const dryRun = flags['dry-run'] === 'server';
  if (isTableOutput(output))
    io.print(
      plans
        .map((p, i) => renderFanoutResults(p, results[i], io.theme('stdout'), {dryRun, ...shown(p), width: tableWidth(output)}))
        .join('\n'),
    );
  else io.print(documents(results));
  if (signal) {
    const flat = results.flat();
    const count = (outcome: FanoutResult['outcome']) => flat.filter((r) => r.outcome === outcome && isWrite(r)).length;
    throw new InterruptedError(
      `interrupted (${signal}): ${count('done')} done, ${count('failed')} failed, ${flat.filter((r) => r.message === NOT_ATTEMPTED).length} not attempted; run the same command again to finish`,
    );
  }
  return reportOutcome(results.some(hasFailures), io, flags['dry-run'] === 'server' ? 'validated' : 'written');
}

function reportOutcome(failed: boolean, io: FanoutIo, stage: 'planned' | 'validated' | 'written' = 'written'): ExitCodeValue {
  if (!failed) return ExitCode.ok;
  io.note(
    stage === 'written'
      ? 'error: some targets failed (see the report); the others were written'
      : stage === 'validated'
        ? 'error: some targets failed (see the report); the server accepted the others (dry run: nothing stored)'
        : 'error: some targets cannot be reached or planned (see the report)',
  );
  return ExitCode.partial;
}

/** One write path (and one run journal, opened at the first real write) for everything this command writes. */
function applyOptions(
  flags: FanoutFlagValues,
  source: {context: string; namespace: string},
  forceOwned: ForceOwned = flags['force-owned'] === true,
) {
  const now = new Date();
  const runId = RunStore.newRunId(now);
  const mode = flags['dry-run'] === 'server' ? 'server' : 'none';
  const journal = () =>
    RunStore.default(flags['dry-run']).create({
      runId,
      createdAt: now.toISOString(),
      command: 'fanout',
      source: {context: source.context, namespace: source.namespace},
    });
  return {
    runId,
    writer: new WritePath({mode, fieldManager: flags['field-manager'], journal, runId, forceOwned}),
    concurrency: flags.concurrency,
    qps: flags.qps,
  };
}

function sourceObjectRef(plan: FanoutPlan): string {
  return `${plan.source.kind === 'Secret' ? 'secret' : 'configmap'}/${plan.source.name}`;
}

async function confirmWatch(yes: boolean, io: FanoutIo): Promise<boolean> {
  if (yes) return true;
  if (!io.canPrompt()) throw new UsageError('refusing to watch without confirmation: no terminal to ask on; pass --yes');
  return io.confirm('Keep copies in sync (writes without asking again)?');
}

/** A one-line progress bar on a terminal's stderr; nothing when piped. */
function progressBar(total: number): (done: number, of: number, last?: boolean) => void {
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

function countWrites(plans: FanoutPlan[]): number {
  return plans.reduce((n, p) => n + p.entries.filter(isWrite).length, 0);
}

function changes(n: number): string {
  return `${n} change${n === 1 ? '' : 's'}`;
}

export function apiMap(apis: ClusterApi[]): Map<string, ClusterApi> {
  return new Map(apis.map((a) => [a.context, a]));
}

function durationFlag(name: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${name}: ${(error as Error).message}`);
  }
}
