// Every line the tool prints fits the columns it was given: the review before a sync, the fleet's
// values against a baseline, summaries and warnings, and, over whole commands, every 80-column
// golden. A line may pass the width only where one unbreakable word (a file path) is wider.
import {undoResult} from './undo-fixtures.js';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {diffFleet} from '../../src/core/fleet.js';
import {planSync, type SyncSelection} from '../../src/core/sync-plan.js';
import type {ConfigObject} from '../../src/core/types.js';
import {displayWidth} from '../../src/ui/columns.js';
import {fromTo, journalSaved, progressLine, renderWarning, wrapUnder} from '../../src/ui/messages.js';
import {answerText, objectChoiceNames} from '../../src/ui/prompts.js';
import {renderFleetReport} from '../../src/ui/render-fleet.js';
import {renderSyncPlan, renderUndoResult} from '../../src/ui/render-sync.js';
import {createTheme} from '../../src/ui/theme.js';
import {goldenDir} from '../support/golden.js';
import {cm, loc, PROD, STAGING, prodObjects, stagingObjects, useFixtureSalt} from './diff-fixtures.js';

useFixtureSalt();

const plain = createTheme(false);
const colour = createTheme(true);
const WIDTHS = [80, 100, 120];
const binding = {source: {cluster: 'uid-a', namespaceUid: 'ns-1'}, target: {cluster: 'uid-b', namespaceUid: 'ns-2'}, saltId: 'abcd'};

function tooWide(text: string, width: number): string[] {
  return text.split('\n').filter((line) => displayWidth(line) > width);
}

/** Long keys, long one-line values that differ late, and structured values that differ in a long path. */
function longObjects(namespace: string, variant: string): ConfigObject {
  return cm(namespace, 'checkout-service-configuration-with-a-long-name', {
    'payments.gateway.endpoint.url': `https://payments-${variant}.example.internal/api/v2/eu-west-1/charge?retry=true`,
    'feature-flags.json': JSON.stringify({cart: {newCheckout: {rollout: {percent: variant === 'a' ? 10 : 50, regions: ['eu', 'us']}}}}),
    'application.properties': `server.port=8080\npayments.endpoint=https://payments.${variant}.internal/api/v2/very/long/path\n`,
    SHORT: variant,
  });
}

describe('lines fit the width they are given', () => {
  it.each(WIDTHS)('the sync review at %i columns', (width) => {
    const sources = [...stagingObjects(), longObjects('staging', 'a')];
    const targets = [...prodObjects(), longObjects('prod', 'b')];
    const report = {
      ...diffLocations(STAGING, PROD, sources, targets, {kinds: ['ConfigMap', 'Secret'], showSecrets: false, salt: 's'}),
      binding,
    };
    const all: SyncSelection = {keys: () => true, prune: true, recreate: false};
    const {plan} = planSync(report, sources, targets, all, {now: new Date(0), runId: 'run-1'});
    const text = renderSyncPlan(plan, colour, {width});
    expect(text).toContain('payments.gateway.endpoint.url');
    expect(tooWide(text, width)).toEqual([]);
  });

  it.each(WIDTHS)('the fleet against a baseline at %i columns', (width) => {
    const locations = [loc('alpha', 'staging'), loc('alpha', 'prod'), loc('beta', 'prod')];
    const objects = [[longObjects('staging', 'a')], [longObjects('prod', 'b')], [longObjects('prod', 'c')]];
    const report = diffFleet(locations, objects, {kinds: ['ConfigMap'], showSecrets: false, salt: 's', baseline: 1});
    const text = renderFleetReport(report, colour, {hideIdentical: false, quiet: false, width});
    expect(text).toContain('(the baseline)');
    expect(tooWide(text, width)).toEqual([]);
  });

  it('a cut fleet value keeps its size and hash, and its --full-values hint where there is room', () => {
    const locations = [loc('alpha', 'staging'), loc('alpha', 'prod')];
    const notes = (variant: string) => cm('x', 'notes', {'notes.txt': `first ${variant}\n${'a long line of notes '.repeat(12)}\n`});
    const objects = [[notes('a')], [notes('b')]];
    const report = diffFleet(locations, objects, {kinds: ['ConfigMap'], showSecrets: false, salt: 's', baseline: 1});
    const narrow = renderFleetReport(report, plain, {hideIdentical: false, quiet: false, width: 80});
    const wide = renderFleetReport(report, plain, {hideIdentical: false, quiet: false, width: 160});
    expect(narrow).toMatch(/… \[cut: \d+ B, sha256:[0-9a-f]{8}\] {2}\(the baseline\)/);
    expect(wide).toMatch(/… \[cut: \d+ B, sha256:[0-9a-f]{8}; --full-values shows all\] {2}\(the baseline\)/);
  });

  it('a warning wraps under its text, keeps a word wider than the room whole, and is yellow on every line', () => {
    const path = `/home/someone/${'deeply/nested/'.repeat(6)}.configsync.yaml`;
    const text = renderWarning(`warning: rules file ${path}: ignore.keys "*.endpoint" matched nothing in this run`, colour, 80);
    const lines = text.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((line) => line.startsWith('\u001b[33m'))).toBe(true);
    const shown = lines.map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''));
    expect(shown[0]).toBe('warning: rules file');
    expect(shown).toContain(`         ${path}:`);
    expect(shown.filter((line) => displayWidth(line) > 80)).toEqual([`         ${path}:`]);
    expect(shown.map((l) => l.trim()).join(' ')).toBe(`warning: rules file ${path}: ignore.keys "*.endpoint" matched nothing in this run`);
  });

  it('a summary continues under its text rather than past the width', () => {
    expect(wrapUnder('undo 20260101-000000-abcdef: ', 'would restore 3 (dry run: client, nothing written), 0 skipped, 0 failed', 80)).toBe(
      'undo 20260101-000000-abcdef: would restore 3 (dry run: client, nothing written),\n' +
        '                             0 skipped, 0 failed',
    );
    const undo = undoResult('client', ['patch', 'patch', 'patch'], {
      context: 'arn:aws:eks:eu-west-1:123456789012:cluster/production-payments',
      namespace: 'payments-production-eu-west-1',
      runId: '20260101-000000-abcdef',
      name: (n) => `checkout-service-configuration-${n}`,
    });
    for (const width of WIDTHS) expect(tooWide(renderUndoResult(undo, colour, width), width)).toEqual([]);
  });

  it('the object picker: one column per field, aligned, within the width, and a short answer', () => {
    const sources = [...stagingObjects(), longObjects('staging', 'a')];
    const targets = [...prodObjects(), longObjects('prod', 'b')];
    const report = diffLocations(STAGING, PROD, sources, targets, {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});
    const objects = report.objects.filter((o) => o.status === 'different' || o.status === 'missing-in-target');
    expect(objects.length).toBeGreaterThan(2);
    for (const width of [60, 80, 200]) {
      const names = objectChoiceNames(objects, false, width);
      // The checkbox draws 4 columns before each name.
      expect(names.filter((name) => displayWidth(name) > width - 4)).toEqual([]);
      const statusColumn = names.map((name) => displayWidth(/^. \S+ +/.exec(name)![0]));
      expect(new Set(statusColumn).size, names.join('\n')).toBe(1);
    }
    expect(objectChoiceNames(objects, false, 60).some((name) => name.includes('…'))).toBe(true);
    expect(answerText(['configmap/a', 'configmap/b'], 'object', 40)).toBe('configmap/a, configmap/b');
    expect(answerText(['configmap/checkout-config', 'configmap/payments-config'], 'object', 40)).toBe('2 objects');
  });

  it('where the journal went and how to undo: one line, or two with the command whole', () => {
    const id = '20260101-000000-abcdef';
    expect(journalSaved(id)).toBe(`journal saved as run ${id}; undo with: kubectl configsync undo ${id}`);
    expect(journalSaved(id, 80)).toBe(`journal saved as run ${id}\nundo with: kubectl configsync undo ${id}`);
  });

  it('headings and progress lines with long context and object names fit, cut in the middle', () => {
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/payments-production-primary';
    const name = `configmap/${'n'.repeat(253)}`;
    for (const width of WIDTHS) {
      const heading = fromTo('ConfigMaps: ', `${arn}/payments-staging`, `${arn}/payments-production`, width);
      expect(heading.filter((line) => displayWidth(line) > width)).toEqual([]);
      expect(heading.join('\n')).toContain('→ ');
      const progress = progressLine('updating (server dry run)', name, `${arn}/payments-production`, width);
      expect(displayWidth(progress), progress).toBeLessThanOrEqual(width);
      expect(progress).toMatch(/^updating \(server dry run\) configmap\/n+…n+ in arn:aws.*…/);
    }
    expect(fromTo('ConfigMaps: ', 'alpha/a', 'beta/b', 80)).toEqual(['ConfigMaps: alpha/a → beta/b']);
  });

  it('every 80-column golden of a whole command fits 80 columns', () => {
    const dir = join(goldenDir, 'commands');
    const goldens = readdirSync(dir).filter((name) => /\.80\.(plain|color)\.txt$/.test(name));
    expect(goldens.length).toBeGreaterThanOrEqual(18);
    for (const name of goldens) {
      // Line 1 is the command line that produced the golden, not its output.
      const output = readFileSync(join(dir, name), 'utf8').split('\n').slice(1).join('\n');
      expect(tooWide(output, 80), name).toEqual([]);
    }
  });
});
