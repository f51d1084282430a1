import type {ClusterApi} from '../core/cluster-api.js';
import {ClusterError, ConfigSyncError, messageOf, OwnedTargetsError} from '../core/errors.js';
import {needsRecreate, planPatch, recreatable} from '../core/object-content.js';
import {detectOwner, ownedRefusals, type ForceOwned} from '../core/owners.js';
import {objectRef, type ConfigObject} from '../core/types.js';
import type {Workload, WorkloadKind} from '../core/workload.js';
import {JournalError, type RunJournal} from './run-store.js';

export type DryRunMode = 'none' | 'client' | 'server';

export interface WritePathOptions {
  mode: DryRunMode;
  fieldManager: string;
  /** Where each write's intent is made durable first; required for real writes. A function opens it at the first write. */
  journal?: RunJournal | (() => RunJournal);
  /** The run the journal belongs to, for the undo command named in messages. */
  runId?: string;
  /** 'undo' when restoring an earlier run (recorded in that run's journal). */
  phase?: 'run' | 'undo';
  /** --force-owned: write objects whose owner (Argo CD, Flux, a secret operator…) reverts or overwrites them. */
  forceOwned?: ForceOwned;
}

/**
 * Refuses, before anything is written, every write to a target that another owner reverts or
 * overwrites (src/core/owners.ts), unless --force-owned: one line per target, exit 2. Commands call
 * it with all their targets before the first write; WritePath applies the same rule to each write.
 */
export function admitOwnedTargets(targets: Array<{object?: ConfigObject; where: string}>, forceOwned: ForceOwned | undefined): void {
  const owned = targets.flatMap((t) => {
    const owner = t.object ? detectOwner(t.object) : undefined;
    return owner ? [{where: t.where, owner}] : [];
  });
  const lines = ownedRefusals(owned, forceOwned ?? false);
  if (lines.length > 0) throw new OwnedTargetsError(lines);
}

/**
 * The one way anything in this tool changes a cluster. Every mutation of every command
 * comes through here, which is what makes these hold everywhere at once:
 * - a client dry run sends nothing; a server dry run sends only dry-run requests;
 * - before a real write, the journal holds (on disk) the full object before and the intended
 *   result; if the journal cannot be written, the write is not sent;
 * - updates are merge patches of the changed fields only, conditioned on resourceVersion;
 *   deletes are conditioned on uid and resourceVersion;
 * - an object being deleted is never written;
 * - delete-and-create first checks that the create is allowed and that nothing (finalizers)
 *   would hold the delete, and puts the original back if the create fails.
 * src/kube/cluster.ts is the only other file that may call the seam's mutating methods (a test enforces it).
 */
export class WritePath {
  private opened?: RunJournal;
  private openFailure?: JournalError;

  constructor(private readonly options: WritePathOptions) {}

  /** The journal, once a real write opened it. */
  get journalOpened(): RunJournal | undefined {
    return this.opened;
  }

  get dryRun(): DryRunMode {
    return this.options.mode;
  }

  /** Creates `desired`; undefined in a client dry run. */
  async create(api: ClusterApi, desired: ConfigObject, keys?: string[]): Promise<ConfigObject | undefined> {
    const body = recreatable(desired);
    return this.send(api, {op: 'create', object: desired, after: body, keys}, (dryRun) =>
      api.createConfigObject(body, this.writeOptions(dryRun)),
    );
  }

  /** Changes `current` into `desired` with a patch of the fields that differ; `current` itself when nothing does. */
  async update(api: ClusterApi, current: ConfigObject, desired: ConfigObject, keys?: string[]): Promise<ConfigObject | undefined> {
    refuseDeleting(current);
    this.refuseOwned(api, current);
    if (needsRecreate(current, desired)) throw new Error(`${objectRef(current)} can only be changed by delete and create`);
    const patch = planPatch(current, desired);
    if (!patch) return current;
    return this.send(
      api,
      {op: 'update', object: current, before: current, after: {...desired, resourceVersion: undefined, uid: current.uid}, keys},
      (dryRun) => api.patchConfigObject(current.kind, current.namespace, current.name, patch, this.writeOptions(dryRun)),
    );
  }

  /** Deletes exactly the object that was read (same uid and resourceVersion). */
  async delete(api: ClusterApi, current: ConfigObject): Promise<void> {
    this.refuseOwned(api, current);
    await this.send(api, {op: 'delete', object: current, before: current}, async (dryRun) => {
      await api.deleteConfigObject(current.kind, current.namespace, current.name, {
        ...this.writeOptions(dryRun),
        uid: current.uid,
        resourceVersion: current.resourceVersion,
      });
      return undefined;
    });
  }

  /**
   * Delete and create, for immutable objects and Secret type changes. Never loses the object:
   * the create must be allowed before the delete is sent, and a failed create puts the
   * original back (same content, labels, annotations, ownerReferences and finalizers).
   */
  async recreate(api: ClusterApi, current: ConfigObject, desired: ConfigObject, keys?: string[]): Promise<ConfigObject | undefined> {
    refuseDeleting(current);
    this.refuseOwned(api, current);
    if (current.finalizers?.length) {
      // The server would only mark it for deletion: the create would meet it, stuck until its finalizers' controllers let go.
      throw new ClusterError(
        `refusing to delete and recreate ${objectRef(current)}: it has finalizers (${current.finalizers.join(', ')}), so it would stay in deletion until they are removed; nothing was written`,
        409,
      );
    }
    if (this.options.mode === 'client') return undefined;
    await this.checkAllowed(api, current);
    const body = recreatable({
      ...desired,
      ownerReferences: desired.ownerReferences ?? current.ownerReferences,
      finalizers: desired.finalizers ?? current.finalizers,
    });
    await this.checkAdmission(api, current, body);
    if (this.options.mode === 'server') {
      // Nothing is deleted in a dry run, so a dry-run create would only meet the object still there.
      await api.deleteConfigObject(current.kind, current.namespace, current.name, {
        ...this.writeOptions(true),
        uid: current.uid,
        resourceVersion: current.resourceVersion,
      });
      return undefined;
    }
    const seq = this.journal().intent({
      phase: this.phase,
      op: 'recreate',
      ...where(api, current),
      before: journaled(current),
      after: journaled(body),
      ...(keys ? {keys} : {}),
    });
    try {
      await api.deleteConfigObject(current.kind, current.namespace, current.name, {
        ...this.writeOptions(false),
        uid: current.uid,
        resourceVersion: current.resourceVersion,
      });
    } catch (error) {
      this.recordFailure(seq, error);
      throw error;
    }
    try {
      const created = await api.createConfigObject(body, this.writeOptions(false));
      this.recordResult(seq, 'written', {object: created});
      return created;
    } catch (createError) {
      let restored: ConfigObject;
      try {
        restored = await api.createConfigObject(recreatable(current), this.writeOptions(false));
      } catch (restoreError) {
        // No result line: undo sees the object missing and creates it from the journal.
        throw new ConfigSyncError(
          `${messageOf(createError)}; putting the deleted ${objectRef(current)} back also failed (${messageOf(restoreError)}); restore it with: kubectl configsync undo ${this.options.runId ?? ''}`.trim(),
          3,
        );
      }
      const message = `${messageOf(createError)}; the original ${objectRef(current)} was put back (same content and metadata, new uid ${restored.uid ?? 'unknown'})`;
      this.recordResult(seq, 'failed', {error: message, object: restored});
      throw new ConfigSyncError(message, 3);
    }
  }

  /** `kubectl rollout restart`: a strategic-merge patch of the pod template's restartedAt annotation. */
  async restart(api: ClusterApi, kind: WorkloadKind, namespace: string, name: string, restartedAt: string): Promise<Workload | undefined> {
    if (this.options.mode === 'client') return undefined;
    return api.restartWorkload(kind, namespace, name, restartedAt, this.writeOptions(this.options.mode === 'server'));
  }

  /** The same rule as admitOwnedTargets, for each write: no path can write an owned object without --force-owned. */
  private refuseOwned(api: ClusterApi, current: ConfigObject): void {
    if (this.options.mode === 'client') return; // nothing is sent
    admitOwnedTargets([{object: current, where: `${objectRef(current)} in ${api.context}/${current.namespace}`}], this.options.forceOwned);
  }

  /** Restarts are not journaled (a rollout cannot be taken back); every configuration write is. */
  private journal(): RunJournal {
    if (this.opened) return this.opened;
    // Tried once: every later write meets the same refusal, without creating files again.
    if (this.openFailure) throw this.openFailure;
    const {journal} = this.options;
    if (!journal) throw new Error('a real write of configuration needs a run journal');
    try {
      this.opened = typeof journal === 'function' ? journal() : journal;
    } catch (error) {
      if (error instanceof JournalError) this.openFailure = error;
      throw error;
    }
    return this.opened;
  }

  /** Why the journal could not be created, when that stopped every write. */
  get journalFailure(): JournalError | undefined {
    return this.openFailure;
  }

  private get phase(): 'run' | 'undo' {
    return this.options.phase ?? 'run';
  }

  private writeOptions(dryRun: boolean) {
    return {dryRun, fieldManager: this.options.fieldManager};
  }

  /** Checks before a delete-and-create that both halves are allowed, so a refused create cannot strand a deleted object. */
  private async checkAllowed(api: ClusterApi, current: ConfigObject): Promise<void> {
    const kinds = current.kind === 'Secret' ? 'secrets' : 'configmaps';
    let allowed: [boolean, boolean];
    try {
      allowed = await Promise.all([
        api.canI('delete', current.kind, current.namespace),
        api.canI('create', current.kind, current.namespace),
      ]);
    } catch (error) {
      throw new ClusterError(
        `refusing to delete and recreate ${objectRef(current)}: cannot check that the create would be allowed (${messageOf(error)}); nothing was written`,
        403,
      );
    }
    const missing = ['delete', 'create'].filter((_, i) => !allowed[i]);
    if (missing.length > 0) {
      throw new ClusterError(
        `refusing to delete and recreate ${objectRef(current)}: you may not ${missing.join(' or ')} ${kinds} in namespace "${current.namespace}" in context "${api.context}"; nothing was written`,
        403,
      );
    }
  }

  /**
   * Asks the API server, with a dry-run create, whether it would accept the new object: quota,
   * webhooks and admission policies run before the name is found taken, so "already exists" means
   * everything else passed. Any other answer refuses the delete.
   */
  private async checkAdmission(api: ClusterApi, current: ConfigObject, body: ConfigObject): Promise<void> {
    try {
      await api.createConfigObject(body, this.writeOptions(true));
    } catch (error) {
      if ((error as {status?: number}).status === 409) return;
      throw new ClusterError(
        `refusing to delete and recreate ${objectRef(current)}: the API server would not create it again (${messageOf(error)}); nothing was written`,
        (error as {status?: number}).status,
      );
    }
  }

  /** Journal (for real writes), send, record the answer. */
  private async send<T extends ConfigObject | undefined>(
    api: ClusterApi,
    write: {op: 'create' | 'update' | 'delete'; object: ConfigObject; before?: ConfigObject; after?: ConfigObject; keys?: string[]},
    request: (dryRun: boolean) => Promise<T>,
  ): Promise<T | undefined> {
    if (this.options.mode === 'client') return undefined;
    if (this.options.mode === 'server') return request(true);
    const seq = this.journal().intent({
      phase: this.phase,
      op: write.op,
      ...where(api, write.object),
      ...(write.before ? {before: journaled(write.before)} : {}),
      ...(write.after ? {after: journaled(write.after)} : {}),
      ...(write.keys ? {keys: write.keys} : {}),
    });
    try {
      const result = await request(false);
      this.recordResult(seq, 'written', result ? {object: result} : {});
      return result;
    } catch (error) {
      this.recordFailure(seq, error);
      throw error;
    }
  }

  /** Only an answer from the server is a failure; a lost answer leaves the write pending for undo to judge. */
  private recordFailure(seq: number, error: unknown): void {
    if ((error as {status?: number}).status !== undefined) this.recordResult(seq, 'failed', {error: messageOf(error)});
  }

  private recordResult(seq: number, outcome: 'written' | 'failed', detail: {object?: ConfigObject; error?: string}): void {
    try {
      this.journal().result(seq, outcome, detail.object ? {...detail, object: journaled(detail.object)} : detail);
    } catch {
      // The intent is on disk, which is all undo needs; the journal refuses the next intent, so no write follows.
    }
  }
}

/** The journal keeps what a restore needs: who set which field (managedFields) is not part of it. */
function journaled(object: ConfigObject): ConfigObject {
  if (!object.managedFields) return object;
  const {managedFields: _, ...rest} = object;
  return rest;
}

function where(api: ClusterApi, object: ConfigObject) {
  return {context: api.context, kind: object.kind, namespace: object.namespace, name: object.name};
}

function refuseDeleting(current: ConfigObject): void {
  if (current.deletionTimestamp) {
    throw new ClusterError(
      `${objectRef(current)} in namespace "${current.namespace}" is being deleted (since ${current.deletionTimestamp}, finalizers pending) and cannot be written`,
      409,
    );
  }
}
