import {DeclinedError, messageOf} from '../../core/errors.js';
import type {ClusterApi} from '../../core/cluster-api.js';
import type {RunEntry, RunRecord} from '../../core/journal.js';
import {recreatable} from '../../core/object-content.js';
import {describeOwner, detectOwner, isContested} from '../../core/owners.js';
import {objectRef, type ConfigObject} from '../../core/types.js';
import {decideUndo, summarizeUndo, type UndoObjectResult, type UndoResult, type UndoStep} from '../../core/undo-plan.js';
import {JournalError, type RunJournal} from '../../kube/run-store.js';
import {admitOwnedTargets, WritePath} from '../../kube/write-path.js';

export interface UndoOptions {
  dryRun: 'none' | 'client' | 'server';
  fieldManager: string;
  force: boolean;
  /** The run's own journal, reopened: undo's writes are recorded there before they are sent. */
  journal?: RunJournal;
  onProgress?: (text: string) => void;
  /** Checked before each restore (SIGTERM, Ctrl-C): true stops the batch; the rest is reported as not attempted. */
  stopRequested?: () => boolean;
  /** --force-owned: restore objects another owner reverts or overwrites. */
  forceOwned?: boolean;
  /** On a terminal: asked, naming the owners, when a restore would write an owned object; yes is --force-owned. */
  confirmOwned?: (owned: string[]) => Promise<boolean>;
}

export const UNDO_NOT_ATTEMPTED = 'not attempted: interrupted before it was restored';

/**
 * Puts back every object a run touched or may have touched, newest first, each decided
 * from what the server holds now against the journal (see decideUndo).
 */
export async function applyUndo(record: RunRecord, clusterFor: (context: string) => ClusterApi, options: UndoOptions): Promise<UndoResult> {
  const newWriter = (forceOwned: boolean | undefined) =>
    new WritePath({
      mode: options.dryRun,
      fieldManager: options.fieldManager,
      journal: options.journal,
      runId: record.runId,
      phase: 'undo',
      forceOwned,
    });
  let writer = newWriter(options.forceOwned);
  // Read and decide everything first: a target another owner would undo stops the run before any write.
  type Decided = {entry: RunEntry; api?: ClusterApi; live?: ConfigObject; step?: UndoStep; error?: unknown};
  const decided: Decided[] = [];
  for (const entry of [...record.entries].reverse()) {
    if (options.stopRequested?.()) {
      decided.push({entry});
      continue;
    }
    try {
      const api = clusterFor(entry.context);
      const live = await api.getConfigObject(entry.kind, entry.namespace, entry.name);
      decided.push({entry, api, live, step: decideUndo(entry, live, options.force)});
    } catch (error) {
      decided.push({entry, error});
    }
  }
  const writes = decided.filter((d) => d.live && d.step && d.step.step !== 'skip' && d.step.step !== 'refuse' && d.step.step !== 'create');
  if (options.dryRun !== 'client') {
    const owned = writes.filter((d) => isContested(detectOwner(d.live!)));
    let forceOwned = options.forceOwned === true;
    if (!forceOwned && owned.length > 0 && options.confirmOwned) {
      const yes = await options.confirmOwned(
        owned.map(
          (d) => `${objectRef(d.entry)} in ${d.entry.context}/${d.entry.namespace} is owned by ${describeOwner(detectOwner(d.live!))}`,
        ),
      );
      if (!yes) throw new DeclinedError();
      forceOwned = true;
    }
    admitOwnedTargets(
      writes.map((d) => ({object: d.live, where: `${objectRef(d.entry)} in ${d.entry.context}/${d.entry.namespace}`})),
      forceOwned,
    );
    writer = newWriter(forceOwned);
  }

  const objects: UndoObjectResult[] = [];
  let journalBroken: string | undefined;
  for (const {entry, api, live, step, error: readError} of decided) {
    const owner = live ? detectOwner(live) : undefined;
    const base = {context: entry.context, namespace: entry.namespace, kind: entry.kind, name: entry.name, ...(owner ? {owner} : {})};
    if (options.stopRequested?.() || journalBroken || (!step && readError === undefined)) {
      objects.push({
        ...base,
        action: 'none',
        outcome: 'skipped',
        reason: journalBroken ? `not attempted: ${journalBroken}` : UNDO_NOT_ATTEMPTED,
      });
      continue;
    }
    if (readError !== undefined || !step || !api) {
      objects.push({...base, action: 'none', outcome: 'failed', error: messageOf(readError)});
      continue;
    }
    try {
      if (step.step === 'skip') {
        objects.push({...base, action: 'none', outcome: 'skipped', reason: step.reason});
        continue;
      }
      if (step.step === 'refuse') {
        objects.push({
          ...base,
          action: 'none',
          outcome: 'failed',
          error: `${objectRef(entry)} in ${entry.context}/${entry.namespace}: ${step.reason}`,
        });
        continue;
      }
      if (options.dryRun !== 'client')
        options.onProgress?.(
          `${progressVerb(step.step)} ${objectRef(entry)} in ${entry.context}/${entry.namespace}${options.dryRun === 'server' ? ' (server dry run)' : ''}`,
        );
      await restore(writer, api, entry, live, step.step);
      objects.push({...base, action: step.step, outcome: options.dryRun === 'none' ? 'restored' : 'would-restore'});
    } catch (error) {
      if (error instanceof JournalError) journalBroken = error.message;
      objects.push({
        ...base,
        action: step.step === 'skip' || step.step === 'refuse' ? 'none' : step.step,
        outcome: 'failed',
        error: messageOf(error),
      });
    }
  }
  return {
    apiVersion: 'configsync.kubectl.dev/v1alpha1',
    kind: 'UndoResult',
    runId: record.runId,
    dryRun: options.dryRun,
    summary: summarizeUndo(objects),
    objects,
  };
}

async function restore(
  writer: WritePath,
  api: ClusterApi,
  entry: RunEntry,
  live: Parameters<typeof decideUndo>[1],
  step: 'delete' | 'create' | 'patch' | 'recreate',
): Promise<void> {
  const original = entry.before;
  if (step === 'delete') return writer.delete(api, live!);
  if (step === 'create') {
    await writer.create(api, recreatable(original!));
    return;
  }
  if (step === 'recreate') {
    await writer.recreate(api, live!, original!);
    return;
  }
  await writer.update(api, live!, original!);
}

function progressVerb(step: 'delete' | 'create' | 'patch' | 'recreate'): string {
  return step === 'delete' ? 'deleting' : step === 'create' ? 'creating again' : step === 'recreate' ? 'recreating' : 'restoring';
}
