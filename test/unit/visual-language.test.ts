import {undoResult} from './undo-fixtures.js';
import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {planSync, type SyncSelection} from '../../src/core/sync-plan.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {keyPreview} from '../../src/ui/prompts.js';
import {renderDiffReport} from '../../src/ui/render-diff.js';
import {renderSyncPlan, renderUndoResult} from '../../src/ui/render-sync.js';
import type {RestartReport} from '../../src/core/contracts/restart-report.js';
import type {UndoResult} from '../../src/core/undo-plan.js';
import {renderRestartReport} from '../../src/ui/render-restart.js';
import {createTheme} from '../../src/ui/theme.js';

const source: Location = {context: 'alpha', namespace: 'staging', label: 'alpha/staging'};
const target: Location = {context: 'beta', namespace: 'prod', label: 'beta/prod'};
const binding = {source: {cluster: 'uid-alpha', namespaceUid: 'ns-1'}, target: {cluster: 'uid-beta', namespaceUid: 'ns-2'}, saltId: 'abcd'};

function cm(namespace: string, data: Record<string, string>): ConfigObject {
  return {kind: 'ConfigMap', name: 'app', namespace, resourceVersion: '1', labels: {}, annotations: {}, data, binaryData: {}};
}

// One object with every kind of change: LOG_LEVEL changes (info now, debug after), NEW_CART is added, OLD_FLAG removed (--prune),
// settings.json changes one path (replicas 2 now, 3 after).
const sources = [cm('staging', {LOG_LEVEL: 'debug', NEW_CART: 'true', 'settings.json': '{"shards": 3, "replicas": 3}'})];
const targets = [cm('prod', {LOG_LEVEL: 'info', OLD_FLAG: 'on', 'settings.json': '{"shards": 3, "replicas": 2}'})];
const report = () => ({...diffLocations(source, target, sources, targets, {kinds: ['ConfigMap'], showSecrets: false, salt: 's'}), binding});
const prune: SyncSelection = {keys: () => true, prune: true, recreate: false};

const color = createTheme(true);
const plain = createTheme(false);
const GREEN = '\u001b[32m';
const RED = '\u001b[31m';

/** The colour code that opens the line (or the cell) holding `text`. */
function colourOf(rendered: string, text: string, row = text): string | undefined {
  const line = rendered.split('\n').find((l) => l.includes(row) && l.includes(text));
  if (!line) throw new Error(`"${text}" not rendered in:\n${rendered}`);
  const before = line.slice(0, line.indexOf(text));
  const codes = [...before.matchAll(/\u001b\[(\d+)m/g)].map((m) => m[0]);
  return codes.filter((c) => c !== '\u001b[39m' && c !== '\u001b[22m' && c !== '\u001b[1m').pop();
}

describe('one visual language', () => {
  const diffText = renderDiffReport(report(), color, {context: 3, hideIdentical: false, quiet: false});
  const plan = planSync(report(), sources, targets, prune, {now: new Date(0), runId: 'r'}).plan;
  const planText = renderSyncPlan(plan, color);

  it('reads every change as target now → target after, in diff, picker and review', () => {
    const diffPlain = renderDiffReport(report(), plain, {context: 3, hideIdentical: false, quiet: false});
    const planPlain = renderSyncPlan(plan, plain);
    // The structured path change: 2 now, 3 after the sync.
    expect(diffPlain).toContain('~ replicas: 2 → 3');
    expect(planPlain).toContain('~ replicas: 2 → 3');
    expect(diffPlain).not.toContain('3 → 2');
    expect(planPlain).not.toContain('3 → 2');
    // The key: info now, debug after; the diff table puts the target's column first.
    expect(diffPlain).toMatch(/~ LOG_LEVEL +different +info +debug/);
    expect(planPlain).toContain('~ LOG_LEVEL: info → debug');
    const logLevel = report().objects[0].keys.find((k) => k.key === 'LOG_LEVEL')!;
    expect(keyPreview(logLevel)).toBe('info → debug');
    // Added and removed keys carry the same symbol everywhere.
    expect(diffPlain).toMatch(/\+ NEW_CART +missing in target/);
    expect(planPlain).toContain('+ NEW_CART: true');
    expect(diffPlain).toMatch(/- OLD_FLAG +missing in source/);
    expect(planPlain).toContain('- OLD_FLAG: on');
    // Symbols without colour, and a legend that explains them.
    expect(diffPlain).toContain('Legend: + added to target · - removed from target · ~ changed in target (now → after sync)');
    expect(planPlain).toContain('Legend: + added to target');
  });

  it('paints each change kind one colour in diff and review', () => {
    // Added: green in both; a key missing in the target is what a sync adds.
    expect(colourOf(diffText, 'missing in target', 'NEW_CART')).toBe(GREEN);
    expect(colourOf(planText, '+ NEW_CART')).toBe(GREEN);
    // Removed and changed: red in both.
    expect(colourOf(diffText, 'missing in source', 'OLD_FLAG')).toBe(RED);
    expect(colourOf(diffText, 'different', 'LOG_LEVEL')).toBe(RED);
    expect(colourOf(planText, '- OLD_FLAG')).toBe(RED);
    expect(colourOf(diffText, '~ replicas')).toBe(RED);
    expect(colourOf(planText, '~ replicas')).toBe(RED);
    expect(colourOf(planText, '~ LOG_LEVEL')).toBe(RED);
  });

  it('paints the summary counts as their change kinds', () => {
    expect(colourOf(diffText, 'different 1')).toBe(RED);
    expect(colourOf(diffText, '~ different', 'configmap/app')).toBe(RED);
  });
});

describe('honest previews', () => {
  const undo = (dryRun: UndoResult['dryRun']) => undoResult(dryRun, ['patch', 'patch', 'patch']);

  it('a dry-run undo says "would restore", never "restored"', () => {
    for (const dryRun of ['client', 'server'] as const) {
      const text = renderUndoResult(undo(dryRun), plain);
      expect(text).toContain(`undo r1: would restore 3 (dry run: ${dryRun}, nothing written)`);
      expect(text).not.toMatch(/\brestored\b/);
    }
    expect(renderUndoResult(undo('none'), plain)).toContain('undo r1: 3 restored, 0 skipped, 0 failed');
  });

  it('the preview before a real restart is not headed as a dry run', () => {
    const report: RestartReport = {
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'RestartReport',
      context: 'alpha',
      namespace: 'prod',
      targets: [{kind: 'ConfigMap', name: 'app'}],
      dryRun: 'client',
      workloadsScanned: 1,
      workloads: [],
      summary: {consumers: 0, restarted: 0, skipped: 0, failed: 0},
    };
    const confirming = renderRestartReport(report, plain, {confirming: true});
    expect(confirming).toContain('(to be confirmed: nothing restarted yet)');
    expect(confirming).not.toContain('dry run');
    expect(renderRestartReport(report, plain)).toContain('(dry run: client, nothing written)');
  });
});
