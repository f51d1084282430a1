import {Args, Flags} from '@oclif/core';
import {readFileSync} from 'node:fs';
import {load as loadYaml} from 'js-yaml';
import {NOT_ATTEMPTED, applySync, type SyncResult} from '../cli/apply-sync.js';
import {BackupStore} from '../cli/backup-store.js';
import {BaseCommand} from '../cli/base-command.js';
import {compareFlags, compareLocations, type CompareFlagValues, type Comparison} from '../cli/compare.js';
import {kubeFlags, outputFlags, writeFlags} from '../cli/flags.js';
import {changesFromSync, restartConsumers, restartFlags, rolloutOptionsFrom} from '../cli/rollout.js';
import {DeclinedError, EXIT_CODES_HELP, ExitCode, InterruptedError, UsageError} from '../core/errors.js';
import {isKeySelected, parseKeySelector, unmatchedPatterns} from '../core/select-keys.js';
import {
  isWritable,
  planSync,
  readSavedPlan,
  selectionFromSavedPlan,
  staleReason,
  type SavedPlanEntry,
  type SyncPlan,
  type SyncSelection,
} from '../core/sync-plan.js';
import {locationName, objectRef, type ConfigKind} from '../core/types.js';
import {renderDocument} from '../ui/output.js';
import {renderDiffReport} from '../ui/render-diff.js';
import {renderSyncPlan, renderSyncResult} from '../ui/render-sync.js';
import {renderRestartReport} from '../ui/render-restart.js';
import {canPrompt, promptConfirm, promptKeys, promptObjects, syncableKeys, syncableObjects} from '../ui/prompts.js';

export default class Sync extends BaseCommand {
  static override summary = 'Copy differing ConfigMap and Secret keys from a source to a target, safely.';

  static override description = `Compares SOURCE and TARGET exactly like diff (same locations, kinds, selectors and ignore rules; ignored keys are never synced), then writes the chosen keys to the target.

On a terminal you pick objects and keys, review exactly what will be written, and confirm. In scripts, choose with --keys or --all and confirm with --yes; without a terminal and without --yes nothing is written.

Every update is conditional on the resourceVersion that was read: if the target changed meanwhile, that object is not written. Before writing, the targets are saved to a backup in the per-user state directory; kubectl configsync undo restores them. Written objects carry annotations under configsync.kubectl.dev/ (source, synced-at, checksum, run-id).

A plan saved with "diff -o json" or "sync --dry-run=client -o json" can be applied later with --plan: exactly what it lists is written, and objects whose source or target changed since are refused.

${EXIT_CODES_HELP}
  (sync: 3 when nothing could be written because objects failed or were refused, 4 when some were written and some failed)`;

  static override examples = [
    {description: 'Pick objects and keys interactively', command: 'kubectl configsync sync staging prod'},
    {description: 'CI: two keys, no prompt', command: "kubectl configsync sync alpha/staging beta/prod --keys LOG_LEVEL,'feature.*' --yes"},
    {description: 'Everything that differs, removing target-only keys', command: 'kubectl configsync sync staging prod --all --prune --yes'},
    {description: 'Save a plan for review', command: 'kubectl configsync sync staging prod --all --dry-run=client -o json > plan.json'},
    {description: 'Apply it later; objects changed since are refused', command: 'kubectl configsync sync --plan plan.json --yes'},
  ];

  static override strict = false;

  static override usage = ['sync SOURCE TARGET [NAME...] [flags]', 'sync --plan FILE [flags]'];

  static override args = {
    source: Args.string({description: 'where the desired configuration lives'}),
    target: Args.string({description: 'where it is written'}),
  };

  static override flags = {
    ...kubeFlags,
    ...compareFlags,
    ...writeFlags,
    keys: Flags.string({description: 'keys to sync: comma-separated globs, OBJECT:KEY scopes one (repeatable)', multiple: true, exclusive: ['all', 'plan']}),
    all: Flags.boolean({description: 'sync every different and missing key', exclusive: ['keys', 'plan']}),
    prune: Flags.boolean({description: 'remove keys that exist only in the target'}),
    recreate: Flags.boolean({description: 'delete and recreate immutable targets (and Secrets whose type differs); restored if the create fails'}),
    plan: Flags.string({description: 'apply a saved plan (diff -o json or sync --dry-run=client -o json)'}),
    output: Flags.option({char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table', description: 'output format of the result (of the plan with --dry-run=client)'})(),
    restart: Flags.boolean({description: 'after the writes succeed, restart the target workloads that read the keys that changed (as the restart command; the restart flags apply)'}),
    ...restartFlags,
    ...outputFlags,
  };

  async run(): Promise<void> {
    const {args, argv, flags} = await this.parse(Sync);
    const dryRun = flags['dry-run'];
    // Checked before anything is written, so a bad --timeout cannot stop halfway.
    const restartOptions = flags.restart
      ? {...rolloutOptionsFrom(flags, (t) => this.note(t)), skipVolumeOnly: flags['skip-volume-only'], maxParallel: flags['max-parallel']}
      : undefined;
    const keySelector = parseKeySelector(flags.keys);
    const chooseByFlags = Boolean(keySelector || flags.all || flags.plan || dryRun === 'client');
    const tty = canPrompt();
    if (!flags.plan && (!args.source || !args.target)) throw new UsageError('SOURCE and TARGET are required (or --plan FILE)');
    // Decide before reading anything: without a terminal we must never wait for an answer.
    if (!tty && !chooseByFlags) throw new UsageError('no terminal to choose keys on: pass --keys K1,K2 or --all (and --yes)');
    if (!tty && !flags.yes && dryRun === 'none') throw new UsageError('refusing to write without confirmation: no terminal to ask on; pass --yes (or --dry-run=client to preview)');

    const kube = await this.loadKubeconfig(flags);
    const note = (text: string) => this.note(text);
    const theme = this.themeFor(flags['no-color'], process.stderr);
    const saved = flags.plan ? readSavedPlan(readPlanFile(flags.plan), {prune: flags.prune}) : undefined;
    let compareWith: CompareFlagValues = flags;
    let words = {source: args.source!, target: args.target!};
    let names = (argv as string[]).slice(2);
    if (saved) {
      compareWith = {
        ...flags,
        'from-context': saved.source.context,
        'from-namespace': saved.source.namespace,
        'to-context': saved.target.context,
        'to-namespace': saved.target.namespace,
        kind: saved.kinds.join(','),
      };
      words = {source: saved.source.context, target: saved.target.context};
      names = saved.entries.map((e) => objectRef(e));
    }
    const comparison = await compareLocations(kube, words, names, compareWith, note);
    const {report} = comparison;

    let selection: SyncSelection;
    const refused: Array<{kind: ConfigKind; name: string; reason: string}> = [];
    if (saved) {
      const fresh: SavedPlanEntry[] = [];
      for (const entry of saved.entries) {
        const reason = staleReason(entry, report.objects.find((o) => o.kind === entry.kind && o.name === entry.name));
        if (reason) refused.push({kind: entry.kind, name: entry.name, reason: `${objectRef(entry)}: ${reason}; make a new plan`});
        else fresh.push(entry);
      }
      selection = selectionFromSavedPlan(saved, fresh, flags.recreate);
    } else if (keySelector) {
      const unmatched = unmatchedPatterns(keySelector, report.objects.flatMap((o) => o.keys.map((k) => ({object: o.name, key: k.key}))));
      // Most likely a typo: writing the rest would leave the user believing that key was synced too.
      if (unmatched.length > 0) throw new UsageError(`--keys ${unmatched.join(', ')} matched no key in ${locationName(report.source)} or ${locationName(report.target)}; nothing was written`);
      selection = {keys: (o, k) => isKeySelected(keySelector, o.name, k.key), prune: flags.prune, recreate: flags.recreate};
    } else if (flags.all || dryRun === 'client') {
      selection = {keys: () => true, prune: flags.prune, recreate: flags.recreate};
    } else {
      selection = await this.selectInteractively(comparison, flags.prune, flags.recreate, theme);
    }

    const now = new Date();
    const runId = BackupStore.newRunId(now);
    const {plan, writes} = planSync(report, comparison.source.objects, comparison.target.objects, selection, {now, runId});

    if (dryRun === 'client') {
      this.print(flags.output === 'table' ? renderSyncPlan(plan, this.themeFor(flags['no-color'])) : renderDocument(plan, flags.output));
      for (const r of refused) note(`error: ${r.reason}`);
      this.setExitCode(exitCodeOf(writes.filter((w) => isWritable(w.object)).length, plan.summary.refused + refused.length));
      return;
    }

    const writable = writes.filter((w) => isWritable(w.object));
    if (writable.length > 0) {
      note(renderSyncPlan(plan, theme));
      if (!flags.yes && dryRun === 'none') {
        const target = locationName(plan.target);
        const yes = await promptConfirm(`Write ${writable.length} object${writable.length > 1 ? 's' : ''} to ${target}?`);
        if (!yes) throw new DeclinedError();
      }
    }

    // SIGTERM/SIGINT while writing: finish the write in flight, report every object, then stop.
    let stopSignal: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (!stopSignal) note(`${signal}: finishing the write in flight, then stopping`);
      stopSignal = signal;
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
    let result: SyncResult;
    try {
      result = await applySync(plan, writes, comparison.target.cluster, {
        dryRun,
        fieldManager: flags['field-manager'],
        runId,
        backup: BackupStore.default(),
        now,
        refused,
        onProgress: note,
        stopRequested: () => stopSignal !== undefined,
      });
    } finally {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
    }
    // Only what was written counts: consumers of unchanged or failed objects keep running.
    const restart = restartOptions && !stopSignal
      ? await restartConsumers(comparison.target.cluster, plan.target.namespace, changesFromSync(result.objects), restartOptions)
      : undefined;
    if (flags.output === 'table') {
      this.print(renderSyncResult(result, this.themeFor(flags['no-color'])) + (restart ? renderRestartReport(restart, this.themeFor(flags['no-color'])) : ''));
    } else {
      this.print(renderDocument(restart ? {...result, restart} : result, flags.output));
    }
    await this.report(result, plan, words, names, compareWith, kube, tty && !flags.yes, theme);
    if (restart && restart.summary.failed > 0) this.setExitCode(ExitCode.partial);
    if (stopSignal) {
      const left = result.objects.filter((o) => o.reason === NOT_ATTEMPTED).length;
      throw new InterruptedError(
        `interrupted (${stopSignal}): ${result.summary.written} written, ${left} not attempted; run the same command again to finish${result.runId ? `, or undo with: kubectl configsync undo ${result.runId}` : ''}`,
      );
    }
  }

  /** The interactive flow: summary, objects, keys per object. */
  private async selectInteractively(comparison: Comparison, prune: boolean, recreate: boolean, theme: ReturnType<BaseCommand['themeFor']>): Promise<SyncSelection> {
    const {report} = comparison;
    this.note(renderDiffReport(report, theme, {context: 3, hideIdentical: true, quiet: false}));
    const objects = syncableObjects(report).filter((o) => o.status === 'missing-in-target' || syncableKeys(o, prune).length > 0 || o.typeChange);
    if (objects.length === 0) return {objects: [], keys: () => false, prune, recreate};
    const chosenObjects = await promptObjects(objects, prune);
    const chosenKeys = new Map<string, Set<string>>();
    for (const object of objects.filter((o) => chosenObjects.includes(objectRef(o)))) {
      // A missing object is created whole; keys are chosen for updates.
      if (object.status === 'different' && syncableKeys(object, prune).length > 0) chosenKeys.set(objectRef(object), await promptKeys(object, prune));
    }
    return {
      objects: chosenObjects,
      keys: (o, k) => chosenKeys.get(objectRef(o))?.has(`${k.section}\0${k.key}`) ?? true,
      prune,
      recreate,
    };
  }

  private async report(
    result: SyncResult,
    plan: SyncPlan,
    words: {source: string; target: string},
    names: string[],
    compareWith: CompareFlagValues,
    kube: Awaited<ReturnType<BaseCommand['loadKubeconfig']>>,
    interactive: boolean,
    theme: ReturnType<BaseCommand['themeFor']>,
  ): Promise<void> {
    const failed = result.objects.filter((o) => o.outcome === 'failed');
    for (const object of failed) this.note(`error: ${object.error?.includes(objectRef(object)) ? '' : `${objectRef(object)}: `}${object.error}`);
    const s = result.summary;
    if (s.written === 0 && s.failed === 0) {
      this.note(`nothing to sync: ${locationName(plan.target)} already has every selected key from ${locationName(plan.source)}; nothing was written`);
    } else if (result.runId) {
      this.note(`backup saved as run ${result.runId}; undo with: kubectl configsync undo ${result.runId}`);
    }
    const moved = failed.filter((o) => o.conflict);
    if (moved.length > 0 && interactive) {
      const show = await promptConfirm(`${moved.map((o) => objectRef(o)).join(', ')} changed in the target after it was read. Show a fresh diff?`, true);
      if (show) {
        const fresh = await compareLocations(kube, words, moved.map((o) => objectRef(o)), compareWith, (t) => this.note(t));
        this.note(renderDiffReport(fresh.report, theme, {context: 3, hideIdentical: true, quiet: false}));
      }
    }
    this.setExitCode(exitCodeOf(s.written, s.failed));
  }
}

function exitCodeOf(written: number, failed: number): 0 | 3 | 4 {
  if (failed === 0) return ExitCode.ok;
  return written > 0 ? ExitCode.partial : ExitCode.cluster;
}

function readPlanFile(path: string): unknown {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--plan: cannot read ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    return loadYaml(text);
  } catch (error) {
    throw new UsageError(`--plan: ${path} is not JSON or YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
