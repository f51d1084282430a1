import {journalSaved} from '../../ui/messages.js';
import {hasDifferences, type DiffReport} from '../../core/diff.js';
import {DeclinedError, ExitCode, InterruptedError, StalePlanError, UsageError, type ExitCodeValue} from '../../core/errors.js';
import {restartKey, type RestartPlanOptions} from '../../core/restart-plan.js';
import {isKeySelected, parseKeySelector, unmatchedPatterns} from '../../core/select-keys.js';
import {
  bindingMismatches,
  isWritable,
  planSync,
  planMismatch,
  readSavedPlan,
  selectionFromSavedPlan,
  staleReason,
  syncableKeys,
  syncableObjects,
  type SavedPlan,
  type SavedPlanEntry,
  type SyncPlan,
  type SyncSelection,
} from '../../core/sync-plan.js';
import {describeOwner, isContested} from '../../core/owners.js';
import {locationName, objectRef, type ConfigKind} from '../../core/types.js';
import type {Kubeconfig} from '../../kube/kubeconfig.js';
import {RunStore} from '../../kube/run-store.js';
import {promptKeys, promptObjects} from '../../ui/prompts.js';
import {renderDiffReport} from '../../ui/render-diff.js';
import {renderSyncPlan} from '../../ui/render-sync.js';
import {outputWidth} from '../../ui/width.js';
import type {Theme} from '../../ui/theme.js';
import {NOT_ATTEMPTED, applySync} from './apply-sync.js';
import type {SyncResult} from '../../core/contracts/sync-result.js';
import type {DryRun, RestartReport} from '../../core/contracts/restart-report.js';
import {compareLocations, type CompareFlagValues, type Comparison} from '../diff/compare.js';
import {changesFromSync, planConsumerRestarts, previewRestartPlan, restartConsumers, type RolloutOptions} from '../restart/rollout.js';
import {counted} from '../../core/words.js';
import {renderRestartReport} from '../../ui/render-restart.js';
import {runStoppable} from '../stop-signal.js';

/** Everything sync needs, as the command read it from its flags and arguments. */
export interface SyncRequest {
  source?: string;
  target?: string;
  names: string[];
  /** Locations, kinds, selector and ignore rules, exactly as diff takes them. */
  compare: CompareFlagValues;
  keys?: string[];
  all: boolean;
  prune: boolean;
  recreate: boolean;
  /** A saved plan file ("-" for stdin). */
  planFile?: string;
  dryRun: DryRun;
  fieldManager: string;
  yes: boolean;
  /** --force-owned: write targets another owner reverts or overwrites. */
  forceOwned?: boolean;
  /** Set with --restart: restart the consumers of what was written. */
  restart?: RolloutOptions & RestartPlanOptions;
}

export interface SyncIo {
  /** stderr: progress, previews, notes. */
  note: (text: string) => void;
  /** Colours for what goes to stderr. */
  theme: Theme;
  /** A terminal on both ends, so prompts can be shown. */
  canPrompt: boolean;
  confirm(message: string, defaultAnswer?: boolean): Promise<boolean>;
  loadKubeconfig(): Promise<Kubeconfig>;
}

/** --dry-run=client: the plan (the saved-plan contract) and what would restart. */
export interface SyncPreview {
  dryRun: 'client';
  plan: SyncPlan;
  refused: Refusal[];
  restart?: RestartReport;
  exitCode: ExitCodeValue;
}

export interface SyncApplied {
  dryRun: 'none' | 'server';
  plan: SyncPlan;
  result: SyncResult;
  restart?: RestartReport;
  /** SIGTERM/SIGINT arrived during the writes. */
  signal?: NodeJS.Signals;
  /** A fresh diff of some objects, for the conflict follow-up. */
  rediff(names: string[]): Promise<DiffReport>;
}

interface Refusal {
  kind: ConfigKind;
  name: string;
  reason: string;
}

/**
 * Checks, reads both sides, selects keys (flags, saved plan or prompts),
 * plans, confirms, writes with the stop-signal guard, restarts consumers.
 */
export async function runSync(request: SyncRequest, io: SyncIo): Promise<SyncPreview | SyncApplied> {
  const {dryRun} = request;
  const keySelector = parseKeySelector(request.keys);
  const chooseByFlags = Boolean(keySelector || request.all || request.planFile || dryRun === 'client');
  if (!request.planFile && (!request.source || !request.target)) throw new UsageError('SOURCE and TARGET are required (or --plan FILE)');
  if (request.planFile) {
    // The plan names its locations and objects: others beside it would be silently ignored.
    const given = [request.source, request.target, ...request.names].filter((w): w is string => w !== undefined);
    const flagsGiven = (['from-context', 'from-namespace', 'to-context', 'to-namespace', 'selector'] as const)
      .filter((f) => request.compare[f] !== undefined)
      .map((f) => `--${f}`);
    if (given.length > 0 || flagsGiven.length > 0) {
      throw new UsageError(
        `--plan names its own source, target and objects; remove ${[...given.map((w) => `"${w}"`), ...flagsGiven].join(', ')}`,
      );
    }
  }
  // Decide before reading anything: without a terminal we must never wait for an answer.
  if (!io.canPrompt && !chooseByFlags) throw new UsageError('no terminal to choose keys on: pass --keys K1,K2 or --all (and --yes)');
  if (!io.canPrompt && !request.yes && dryRun === 'none')
    throw new UsageError('refusing to write without confirmation: no terminal to ask on; pass --yes (or --dry-run=client to preview)');

  const kube = await io.loadKubeconfig();
  const saved = request.planFile
    ? readSavedPlan((await import('../../files/plan-file.js')).readPlanDocument(request.planFile), {prune: request.prune})
    : undefined;
  const {compareWith, words, names} = saved
    ? whereSavedPlanPoints(saved, request.compare)
    : {compareWith: request.compare, words: {source: request.source!, target: request.target!}, names: request.names};
  const comparison = await compareLocations(kube, words, names, compareWith, io.note);
  const {report} = comparison;

  const refused: Refusal[] = [];
  let selection: SyncSelection;
  if (saved) {
    // What was reviewed is what is written, or nothing is: other clusters or namespaces, another
    // source object or value, or a plan edited by hand stop the run before any write.
    const problems = bindingMismatches(saved.binding, report.binding!, saved);
    const current = (entry: SavedPlanEntry) => report.objects.find((o) => o.kind === entry.kind && o.name === entry.name);
    for (const entry of saved.entries) {
      const mismatch = planMismatch(entry, current(entry));
      if (mismatch) problems.push(`${objectRef(entry)}: ${mismatch}`);
    }
    // A plan of nothing is honest only while the locations still agree: then it is applied (exit 0, nothing written).
    if (saved.entries.length === 0 && hasDifferences(report))
      problems.push('the plan lists nothing to write, but the locations differ now');
    if (problems.length > 0) throw new StalePlanError(`plan edited or stale: ${problems.join('; ')}; nothing was written; make a new plan`);
    // A target that moved since is refused alone, as a conflict on a live write would be.
    const fresh: SavedPlanEntry[] = [];
    for (const entry of saved.entries) {
      const reason = staleReason(entry, current(entry));
      if (reason) refused.push({kind: entry.kind, name: entry.name, reason: `${objectRef(entry)}: ${reason}; make a new plan`});
      else fresh.push(entry);
    }
    selection = selectionFromSavedPlan(saved, fresh, request.recreate);
  } else if (keySelector) {
    const unmatched = unmatchedPatterns(
      keySelector,
      report.objects.flatMap((o) => o.keys.map((k) => ({object: o.name, key: k.key}))),
    );
    // Most likely a typo: writing the rest would leave the user believing that key was synced too.
    if (unmatched.length > 0)
      throw new UsageError(
        `--keys ${unmatched.join(', ')} matched no key in ${locationName(report.source)} or ${locationName(report.target)}; nothing was written`,
      );
    selection = {
      keys: (o, k) => isKeySelected(keySelector, o.name, k.key),
      prune: request.prune,
      recreate: request.recreate,
      keysOnly: true,
    };
  } else if (request.all || dryRun === 'client') {
    selection = {keys: () => true, prune: request.prune, recreate: request.recreate};
  } else {
    selection = await selectInteractively(comparison, request.prune, request.recreate, io);
  }

  const now = new Date();
  const runId = RunStore.newRunId(now);
  const {plan, writes} = planSync(report, comparison.source.objects, comparison.target.objects, selection, {
    now,
    runId,
    fieldManager: request.fieldManager,
  });
  const writable = writes.filter((w) => isWritable(w.object));

  // The restarts a confirmation covered: after writing, no other workload is restarted.
  let confirmedRestarts: ReadonlySet<string> | undefined;
  // The consumers of what was (or would be) written; nothing is read without --restart.
  const restartAfter = async (objects: Parameters<typeof changesFromSync>[0]) =>
    request.restart
      ? restartConsumers(comparison.target.cluster, plan.target.namespace, changesFromSync(objects), {
          ...request.restart,
          ...(confirmedRestarts ? {confirmed: confirmedRestarts} : {}),
        })
      : undefined;
  // As if every planned write happened: what a preview of the restarts is computed from.
  const wouldChange = plan.objects.filter(isWritable).map((o) => ({...o, outcome: 'written', changedKeys: o.keys.map((k) => k.key)}));
  if (dryRun === 'client') {
    // What would restart if these writes happened: reads only, nothing is patched.
    const restart = await restartAfter(wouldChange);
    return {
      dryRun,
      plan,
      refused,
      ...(restart ? {restart} : {}),
      exitCode: exitCodeOf(writable.length, plan.summary.refused + refused.length),
    };
  }

  let forceOwned = request.forceOwned === true;
  if (writable.length > 0) {
    io.note(renderSyncPlan(plan, io.theme, {width: outputWidth({stream: process.stderr})}));
    if (!request.yes && dryRun === 'none') {
      const target = locationName(plan.target);
      // The question covers the restarts too: they are listed (and those that need none) before it is asked.
      let restartNote = '';
      if (request.restart) {
        const preview = await planConsumerRestarts(comparison.target.cluster, plan.target.namespace, changesFromSync(wouldChange), {
          skipVolumeOnly: request.restart.skipVolumeOnly,
          maxParallel: request.restart.maxParallel,
        });
        io.note(
          renderRestartReport(previewRestartPlan(preview, 'client'), io.theme, {
            confirming: true,
            width: outputWidth({stream: process.stderr}),
          }),
        );
        const restarts = preview.items.filter((i) => i.action === 'restart');
        confirmedRestarts = new Set(restarts.map(restartKey));
        if (restarts.length > 0) restartNote = ` and restart ${counted(restarts.length, 'workload')}`;
      }
      // On a terminal the question names the owners: answering yes is --force-owned for them.
      const owned = writable.map((w) => w.object).filter((o) => isContested(o.owner));
      const ownedNote =
        forceOwned || owned.length === 0
          ? ''
          : ` ${owned.map((o) => `${objectRef(o)} is owned by ${describeOwner(o.owner)}`).join('; ')}; write anyway?`;
      const yes = await io.confirm(`Write ${counted(writable.length, 'object')} to ${target}${restartNote}?${ownedNote}`);
      if (!yes) throw new DeclinedError();
      if (owned.length > 0) forceOwned = true;
    }
  }

  const {value: result, signal} = await runStoppable('write', io.note, (stopRequested) =>
    applySync(plan, writes, comparison.target.cluster, {
      dryRun,
      fieldManager: request.fieldManager,
      forceOwned,
      runId,
      store: RunStore.default(dryRun),
      now,
      refused,
      onProgress: io.note,
      stopRequested,
    }),
  );
  // Only what was written counts: consumers of unchanged or failed objects keep running.
  const restart = signal ? undefined : await restartAfter(result.objects);
  return {
    dryRun,
    plan,
    result,
    ...(restart ? {restart} : {}),
    ...(signal ? {signal} : {}),
    rediff: async (objects) => (await compareLocations(kube, words, objects, compareWith, io.note)).report,
  };
}

/**
 * After the result is printed: one line per failed object, where the backup is,
 * and on a terminal a fresh diff of objects that moved under us. Returns the exit code.
 */
export async function reportSync(applied: SyncApplied, io: SyncIo, interactive: boolean): Promise<ExitCodeValue> {
  const {result, plan} = applied;
  const failed = result.objects.filter((o) => o.outcome === 'failed');
  for (const object of failed)
    io.note(`error: ${object.error?.includes(objectRef(object)) ? '' : `${objectRef(object)}: `}${object.error}`);
  const s = result.summary;
  if (s.written === 0 && s.failed === 0) {
    io.note(
      `nothing to sync: ${locationName(plan.target)} already has every selected key from ${locationName(plan.source)}; nothing was written`,
    );
  } else if (result.runId && (s.written > 0 || failed.some((o) => !o.error?.includes('run journal')))) {
    // A failed write may still have reached the server (its answer lost): the journal lets undo judge.
    io.note(journalSaved(result.runId, outputWidth({stream: process.stderr})));
  } else if (s.written === 0) {
    io.note('nothing was written');
  }
  const moved = failed.filter((o) => o.conflict);
  if (moved.length > 0 && interactive) {
    const show = await io.confirm(
      `${moved.map((o) => objectRef(o)).join(', ')} changed in the target after it was read. Show a fresh diff?`,
      true,
    );
    if (show)
      io.note(
        renderDiffReport(await applied.rediff(moved.map((o) => objectRef(o))), io.theme, {context: 3, hideIdentical: true, quiet: false}),
      );
  }
  if (applied.restart && applied.restart.summary.failed > 0) return ExitCode.partial;
  return exitCodeOf(s.written, s.failed);
}

/** The error an interrupted sync ends with, after everything was reported. */
export function interruptedSync(result: SyncResult, signal: NodeJS.Signals): InterruptedError {
  const left = result.objects.filter((o) => o.reason === NOT_ATTEMPTED).length;
  return new InterruptedError(
    `interrupted (${signal}): ${result.summary.written} written, ${left} not attempted; run the same command again to finish${result.runId ? `, or undo with: kubectl configsync undo ${result.runId}` : ''}`,
  );
}

/** The interactive flow: summary, objects, keys per object. */
async function selectInteractively(comparison: Comparison, prune: boolean, recreate: boolean, io: SyncIo): Promise<SyncSelection> {
  const {report} = comparison;
  io.note(
    renderDiffReport(report, io.theme, {context: 3, hideIdentical: true, quiet: false, width: outputWidth({stream: process.stderr})}),
  );
  const objects = syncableObjects(report.objects).filter(
    (o) => o.status === 'missing-in-target' || syncableKeys(o, prune).length > 0 || o.typeChange,
  );
  if (objects.length === 0) return {objects: [], keys: () => false, prune, recreate};
  const chosenObjects = await promptObjects(objects, prune, io.theme);
  const chosenKeys = new Map<string, Set<string>>();
  for (const object of objects.filter((o) => chosenObjects.includes(objectRef(o)))) {
    // A missing object is created whole; keys are chosen for updates.
    if (object.status === 'different' && syncableKeys(object, prune).length > 0)
      chosenKeys.set(objectRef(object), await promptKeys(object, prune, io.theme));
  }
  return {
    objects: chosenObjects,
    keys: (o, k) => chosenKeys.get(objectRef(o))?.has(`${k.section}\0${k.key}`) ?? true,
    prune,
    recreate,
  };
}

/** A saved plan names its own locations, kinds and objects; the other flags still apply. */
function whereSavedPlanPoints(saved: SavedPlan, flags: CompareFlagValues) {
  return {
    compareWith: {
      ...flags,
      'from-context': saved.source.context,
      'from-namespace': saved.source.namespace,
      'to-context': saved.target.context,
      'to-namespace': saved.target.namespace,
      kind: saved.kinds.join(','),
      // Values are compared as the reviewer saw them: shown, or as fingerprints.
      'show-secrets': saved.secretsShown,
      'allow-empty': false,
    },
    words: {source: saved.source.context, target: saved.target.context},
    // A plan of nothing is compared over what it was made over, to tell "still the same" from "stale".
    names: (saved.entries.length > 0 ? saved.entries : saved.scope).map((e) => objectRef(e)),
  };
}

function exitCodeOf(written: number, failed: number): 0 | 3 | 4 {
  if (failed === 0) return ExitCode.ok;
  return written > 0 ? ExitCode.partial : ExitCode.cluster;
}
