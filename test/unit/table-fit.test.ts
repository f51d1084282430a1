import {describe, expect, it} from 'vitest';
import type {RestartReport} from '../../src/core/contracts/restart-report.js';
import type {RunRecord} from '../../src/core/journal.js';
import {displayWidth} from '../../src/ui/columns.js';
import {keyChoiceNames} from '../../src/ui/prompts.js';
import {renderRestartReport} from '../../src/ui/render-restart.js';
import {renderRunList} from '../../src/ui/render-sync.js';
import {cutCell, renderTable} from '../../src/ui/table.js';
import {createTheme} from '../../src/ui/theme.js';

const plain = createTheme(false);
const colour = createTheme(true);
const widest = (text: string) => Math.max(...text.trimEnd().split('\n').map(displayWidth));

describe('tables fit the terminal', () => {
  it('narrows the widest column with a visible "…", wraps the wrap columns, keeps the kept ones', () => {
    const rows = [['api', 'would restart', 'a reason that is rather long and goes on past any narrow terminal'.repeat(2)]];
    const text = renderTable(['WORKLOAD', 'STATUS', 'REASON'], rows, {width: 60, wrap: [2], keep: [0, 1]});
    expect(widest(text)).toBeLessThanOrEqual(60);
    expect(text).toContain('would restart');
    expect(text.split('\n').length).toBeGreaterThan(2);
    const cut = renderTable(['NAME', 'VALUE'], [['x', 'y'.repeat(100)]], {width: 40});
    expect(widest(cut)).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/y…$/m);
    // Unlimited (-o wide): as wide as the cells.
    expect(renderTable(['NAME', 'VALUE'], [['x', 'y'.repeat(100)]], {width: Number.POSITIVE_INFINITY})).toContain('y'.repeat(100));
  });

  it('cuts a painted cell inside its colour', () => {
    const cell = cutCell(colour.removed('removed from the target'), 10);
    expect(displayWidth(cell)).toBe(10);
    expect(cell).toBe(colour.removed('removed f…'));
  });

  const record = (objects: number): RunRecord => ({
    runId: '20260102T030405Z-abcd',
    createdAt: '2026-01-02T03:04:05.000Z',
    command: 'sync',
    source: {context: 'alpha', namespace: 'staging'},
    target: {context: 'alpha', namespace: 'prod'},
    entries: Array.from({length: objects}, (_, i) => ({
      kind: 'ConfigMap',
      name: `config-${i}`,
      namespace: 'prod',
      context: 'alpha',
    })) as never,
    file: '/tmp/run.jsonl',
  });

  it('undo --list: an object a fanout wrote in many namespaces is listed once, with how many', () => {
    const fanout: RunRecord = {
      ...record(0),
      command: 'fanout',
      source: undefined,
      target: undefined,
      entries: ['a', 'b', 'c'].map((ns) => ({kind: 'ConfigMap', name: 'ca-bundle', namespace: ns, context: 'alpha'})) as never,
    };
    const text = renderRunList([fanout], plain, 200);
    expect(text).toContain('configmap/ca-bundle in 3 namespaces');
    expect(text.match(/configmap\/ca-bundle/g)).toHaveLength(1);
  });

  it('undo --list: OBJECTS whole when there is room, cut with "…" when not, never past the width', () => {
    const roomy = renderRunList([record(2)], plain, 200);
    expect(roomy).toContain('configmap/config-0, configmap/config-1');
    for (const width of [80, 120]) {
      const text = renderRunList([record(12)], plain, width);
      expect(widest(text), text).toBeLessThanOrEqual(width);
      expect(text).toContain('20260102T030405Z-abcd');
      // No room for an OBJECTS column: the objects go under their run, three lines at most, then "…".
      expect(text).toMatch(
        width === 80
          ? /^ {2}↳ configmap\/config-0, [\s\S]* …$/m
          : /^ {2}↳ configmap\/config-0, configmap\/config-1,[\s\S]*configmap\/config-11$/m,
      );
    }
  });

  it('restart: REASON fits the width (under its row when there is no room for the column) instead of starting at column 132', () => {
    const report: RestartReport = {
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'RestartReport',
      context: 'alpha',
      namespace: 'prod',
      targets: [{kind: 'ConfigMap', name: 'checkout-config'}] as never,
      dryRun: 'client',
      workloadsScanned: 2,
      workloads: [
        {
          kind: 'Deployment',
          name: 'checkout-service-with-a-long-name',
          namespace: 'prod',
          status: 'would-restart',
          reason: 'updateStrategy OnDelete: pods are replaced only when deleted; a restart marks the template only',
          wave: 1,
          volumeOnly: false,
          references: [{container: 'app', containerType: 'container', object: 'configmap/checkout-config', detail: 'envFrom'}] as never,
        },
      ],
      summary: {consumers: 1, restarted: 1, skipped: 0, failed: 0},
    };
    for (const width of [80, 120]) {
      const text = renderRestartReport(report, plain, {width});
      expect(widest(text), text).toBeLessThanOrEqual(width);
      // At 80 columns the name gives up room before USES goes below a readable width; at 120 both fit.
      if (width === 120) expect(text).toContain('deployment/checkout-service-with-a-long-name   would restart');
      else expect(text).toMatch(/^deployment\/checkout-service-with-a-lo… +would restart +1 +app:$/m);
      // No room for a REASON column: the reason goes under its row, whole.
      expect(text).not.toMatch(/REASON/);
      expect(text).toMatch(/^ {2}↳ updateStrategy OnDelete: pods are replaced only when deleted;/m);
    }
    const wide = renderRestartReport(report, plain, {width: 200});
    expect(wide).toMatch(/^WORKLOAD +STATUS +WAVE +USES +REASON$/m);
    expect(wide).toMatch(/envFrom +updateStrategy OnDelete: pods are replaced only when deleted; a restart marks the\n +template only$/m);
    expect(widest(wide)).toBeLessThanOrEqual(200);
  });

  it('the key picker: one line per key within the terminal, long names cut in the middle', () => {
    const keys = [
      {
        key: 'FEATURE_FLAG_CHECKOUT_SERVICE_NEW_PAYMENT_PROVIDER_ROLLOUT_ENABLED',
        status: 'different' as const,
        source: {value: 'true', size: 4},
        target: {value: 'false', size: 5},
      },
      {
        key: 'PAYMENTS_API_URL',
        status: 'different' as const,
        source: {value: 'https://payments.example.internal/api/v2/eu/charge', size: 50},
        target: {value: 'https://payments.example.internal/api/v2/global/charge', size: 54},
      },
      {key: 'NEW_KEY', status: 'missing-in-target' as const, source: {value: 'x', size: 1}},
      {key: 'OLD_KEY', status: 'missing-in-source' as const, target: {value: 'y', size: 1}},
    ];
    for (const width of [80, 120, 200]) {
      const names = keyChoiceNames(keys, width);
      for (const name of names) {
        expect(name).not.toContain('\n');
        expect(displayWidth(name) + 4, name).toBeLessThanOrEqual(width);
      }
      expect(names[0]).toMatch(
        width === 200
          ? /^~ FEATURE_FLAG_CHECKOUT_SERVICE_NEW_PAYMENT_PROVIDER_ROLLOUT_ENABLED +different +false → true$/
          : /^~ FEATURE_.*….*ENABLED +different +false → true$/,
      );
      // Cut, the two URLs still differ where they differ; now → after.
      expect(names[1]).toMatch(/glob.* → .*eu/);
      expect(names[2]).toMatch(/^\+ NEW_KEY +missing in target +x$/);
      expect(names[3]).toMatch(/^- OLD_KEY +missing in source +y$/);
    }
  });
});
