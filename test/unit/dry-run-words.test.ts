// Honest previews (#17): every action of every command, rendered in every dry-run mode, says what
// would happen and never what happened; rendered for real, it says what happened.
import {undoResult} from './undo-fixtures.js';
import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {desiredCopy, planFanout, planFanoutDelete, type FanoutEntry, type SourceRef} from '../../src/core/fanout-plan.js';
import {planSync} from '../../src/core/sync-plan.js';
import type {RestartReport, WorkloadOutcome} from '../../src/core/contracts/restart-report.js';
import type {SyncResult} from '../../src/core/contracts/sync-result.js';
import {NO_RESTART_NEEDED} from '../../src/core/restart-plan.js';
import type {UndoResult} from '../../src/core/undo-plan.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {actionWord, countedAction, type ActionVerb} from '../../src/core/words.js';
import {pruneNotes} from '../../src/actions/undo/undo-action.js';
import {renderFanoutPlan, renderFanoutResults, renderWatchLine, type FanoutRow} from '../../src/ui/render-fanout.js';
import {renderRestartReport} from '../../src/ui/render-restart.js';
import {renderSyncPlan, renderSyncResult, renderUndoResult} from '../../src/ui/render-sync.js';
import {createTheme} from '../../src/ui/theme.js';
import {claimsDone, PAST_TENSE} from '../support/honest-words.js';

const theme = createTheme(false);
const VERBS: ActionVerb[] = ['write', 'create', 'update', 'prune', 'remove', 'delete', 'restore', 'restart', 'adopt', 'overwrite'];
const DRY_RUNS = ['client', 'server', true] as const;

const source: Location = {context: 'alpha', namespace: 'staging', label: 'alpha/staging'};
const target: Location = {context: 'beta', namespace: 'prod', label: 'beta/prod'};
const binding = {source: {cluster: 'uid-alpha', namespaceUid: 'ns-1'}, target: {cluster: 'uid-beta', namespaceUid: 'ns-2'}, saltId: 'abcd'};

function cm(name: string, namespace: string, data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject {
  return {kind: 'ConfigMap', name, namespace, resourceVersion: '1', labels: {}, annotations: {}, data, binaryData: {}, ...extra};
}

describe('actionWord: the one rule', () => {
  it('names every verb "would …" in every dry-run mode and in the past only when done', () => {
    for (const verb of VERBS) {
      for (const dryRun of DRY_RUNS) {
        expect(actionWord(verb, dryRun)).toBe(`would ${verb}`);
        expect(countedAction(2, verb, dryRun)).toBe(`would ${verb} 2`);
      }
      expect(actionWord(verb, 'none')).toMatch(PAST_TENSE);
      expect(actionWord(verb, false)).toMatch(PAST_TENSE);
      expect(countedAction(2, verb, 'none')).toMatch(new RegExp(`^2 ${PAST_TENSE.source}$`, 'i'));
    }
  });
});

describe('every preview and dry-run result says "would"', () => {
  // sync: one object of each action, keys of each change kind (with --prune, one removed).
  const sources = [cm('app', 'staging', {LOG_LEVEL: 'debug', NEW: 'x'}), cm('fresh', 'staging', {A: '1'})];
  const targets = [cm('app', 'prod', {LOG_LEVEL: 'info', OLD: 'y'}), cm('locked', 'prod', {B: '1'}, {immutable: true})];
  const report = {...diffLocations(source, target, sources, targets, {kinds: ['ConfigMap'], showSecrets: false, salt: 's'}), binding};
  const {plan} = planSync(report, sources, targets, {keys: () => true, prune: true, recreate: true}, {now: new Date(0), runId: 'r'});

  it('sync: the review and --dry-run=client plan', () => {
    const text = renderSyncPlan(plan, theme, {showAll: true});
    expect(text).toContain('1 addition, 1 change, 1 removal');
    expect(claimsDone(text)).toEqual([]);
  });

  it('sync --dry-run=server result, and the same result done for real', () => {
    const result = (dryRun: SyncResult['dryRun']): SyncResult => ({
      apiVersion: plan.apiVersion,
      kind: 'SyncResult',
      dryRun,
      source,
      target,
      summary: {written: 2, unchanged: 0, skipped: 0, failed: 0},
      objects: plan.objects.map((o) => ({...o, outcome: 'written', changedKeys: o.keys.map((k) => k.key)})),
    });
    const dry = renderSyncResult(result('server'), theme);
    expect(dry).toContain('would write 2 (server dry run)');
    expect(claimsDone(dry)).toEqual([]);
    expect(renderSyncResult(result('none'), theme)).toContain('2 written');
  });

  it('undo --dry-run=client|server', () => {
    const undo = (dryRun: UndoResult['dryRun']) => undoResult(dryRun, ['patch', 'delete', 'create']);
    for (const dryRun of ['client', 'server'] as const) expect(claimsDone(renderUndoResult(undo(dryRun), theme))).toEqual([]);
    expect(renderUndoResult(undo('none'), theme)).toContain('3 restored');
  });

  it('undo --prune --dry-run lists what it would remove, and removes nothing', () => {
    const files = ['/state/runs/a.jsonl', '/state/runs/b.jsonl'];
    const dry = pruneNotes({files, deleted: false}, '30d');
    expect(dry).toEqual(['would remove 2 run journals older than 30d:', '  /state/runs/a.jsonl', '  /state/runs/b.jsonl']);
    expect(claimsDone(dry.join('\n'))).toEqual([]);
    expect(pruneNotes({files, deleted: true}, '30d')[0]).toBe('removed 2 run journals older than 30d:');
    expect(pruneNotes({files: [], deleted: false}, '1s')).toEqual(['would remove 0 run journals older than 1s']);
  });

  it('restart --dry-run=client|server (and sync --restart): would-restart, no-restart-needed and skipped workloads', () => {
    const workload = (name: string, status: WorkloadOutcome['status'], extra: Partial<WorkloadOutcome> = {}): WorkloadOutcome => ({
      kind: 'Deployment',
      name,
      namespace: 'prod',
      status,
      volumeOnly: false,
      wave: 1,
      references: [
        {
          container: 'app',
          containerType: 'container',
          object: 'configmap/app',
          via: 'envFrom',
          detail: 'envFrom',
          keys: 'all',
          optional: false,
          liveUpdate: false,
        },
      ],
      ...extra,
    });
    const report = (dryRun: RestartReport['dryRun']): RestartReport => ({
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'RestartReport',
      context: 'alpha',
      namespace: 'prod',
      targets: [{kind: 'ConfigMap', name: 'app'}],
      dryRun,
      workloadsScanned: 3,
      workloads: [
        workload('web', dryRun === 'none' ? 'restarted' : 'would-restart'),
        workload('files', 'skipped', {volumeOnly: true, reason: NO_RESTART_NEEDED}),
        workload('paused', 'skipped', {reason: 'paused'}),
      ],
      summary: {consumers: 3, restarted: 1, skipped: 2, failed: 0},
    });
    for (const dryRun of ['client', 'server'] as const) {
      const text = renderRestartReport(report(dryRun), theme);
      expect(text).toMatch(/web\s+would restart/);
      expect(text).toMatch(/files\s+no restart needed/);
      expect(claimsDone(text)).toEqual([]);
    }
    expect(renderRestartReport(report('none'), theme)).toMatch(/web\s+restarted/);
  });

  describe('fanout', () => {
    const ref: SourceRef = {
      kind: 'ConfigMap',
      name: 'ca',
      namespace: 'src',
      context: 'alpha',
      server: 'https://alpha',
      cluster: 'uid-alpha',
    };
    const src = cm('ca', 'src', {'ca.crt': 'one'});
    const stale = desiredCopy({...src, data: {'ca.crt': 'old'}}, ref, 'stale');
    const orphan = desiredCopy(src, ref, 'gone');
    const planFor = (onConflict: 'overwrite' | 'adopt') =>
      planFanout(
        ref,
        src,
        [
          {
            context: 'alpha',
            server: ref.server,
            cluster: ref.cluster,
            targets: ['new', 'stale', 'foreign'],
            objects: [stale, orphan, cm('ca', 'foreign', {'ca.crt': 'theirs'})],
          },
        ],
        {onConflict, prune: true},
      );
    const deletePlan = planFanoutDelete(ref, [{context: 'alpha', cluster: ref.cluster, objects: [stale, orphan]}]);
    const plans = [planFor('overwrite'), planFor('adopt'), deletePlan];
    const rowsOf = (entries: FanoutEntry[]): FanoutRow[] =>
      entries.map((e) => ({context: e.context, namespace: e.namespace, action: e.action, conflict: e.conflict, outcome: 'done'}));

    it('plans cover create, update, prune, overwrite and adopt, and --delete', () => {
      const actions = new Set(plans.flatMap((p) => p.entries.map((e) => e.conflict ?? e.action)));
      for (const kind of ['create', 'update', 'prune', 'overwrite', 'adopt']) expect(actions).toContain(kind);
      expect(deletePlan.entries.map((e) => e.action)).toEqual(['prune', 'prune']);
    });

    it('the plan (every --dry-run=client, and the preview before a real write)', () => {
      for (const plan of plans) expect(claimsDone(renderFanoutPlan(plan, theme))).toEqual([]);
    });

    it('--dry-run=server results and --watch --dry-run=server lines; the real ones in the past', () => {
      for (const plan of plans) {
        const rows = rowsOf(plan.entries);
        expect(claimsDone(renderFanoutResults(plan, rows, theme, {dryRun: true}))).toEqual([]);
        for (const row of rows) expect(claimsDone(renderWatchLine(plan, row, new Date(0), true))).toEqual([]);
      }
      const real = renderFanoutResults(deletePlan, rowsOf(deletePlan.entries), theme);
      expect(real).toContain('2 pruned');
      expect(renderWatchLine(deletePlan, rowsOf(deletePlan.entries)[0], new Date(0))).toMatch(/ pruned /);
      const adopted = planFor('adopt');
      expect(renderFanoutResults(adopted, rowsOf(adopted.entries), theme)).toContain('not a copy: adopted');
    });
  });
});
