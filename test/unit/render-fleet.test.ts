import {describe, expect, it} from 'vitest';
import {diffFleet} from '../../src/core/fleet.js';
import type {ConfigObject} from '../../src/core/types.js';
import {displayWidth} from '../../src/ui/columns.js';
import {numberList, renderFleetReport} from '../../src/ui/render-fleet.js';
import {createTheme} from '../../src/ui/theme.js';
import {cm, loc, SALT, sec} from './diff-fixtures.js';

const plain = createTheme(false);
const options = {kinds: ['ConfigMap' as const, 'Secret' as const], showSecrets: false, salt: SALT};

/** Fourteen namespaces over two clusters, as a platform team's fleet: most agree, a few drift, one lacks an object. */
const LOCATIONS = Array.from({length: 14}, (_, i) => loc(i < 7 ? 'alpha' : 'beta', `payments-region-${String(i + 1).padStart(2, '0')}`));

function objects(): ConfigObject[][] {
  return LOCATIONS.map((location, i) => {
    const ns = location.namespace;
    const list = [
      cm(ns, 'checkout-service-configuration', {
        LOG_LEVEL: i === 3 ? 'debug' : 'info',
        PAYMENTS_API_URL: `https://payments.example.internal/api/v2/${i === 9 ? 'eu' : 'global'}/charge`,
        'app.yaml': `server:\n  port: ${i === 12 ? 9091 : 9090}\n  timeoutSeconds: 30\n`,
        TZ: 'UTC',
      }),
      sec(ns, 'api-key', {token: i === 5 ? 'rotated' : 'shared'}),
    ];
    // The feature flags are missing in one namespace: one row, not one per key.
    if (i !== 8) list.push(cm(ns, 'feature-flags', {NEW_CART: 'true', DARK_MODE: 'false', BETA_SEARCH: 'on', A: '1', B: '2'}));
    return list;
  });
}

const lines = (text: string) => text.trimEnd().split('\n');

describe('the fleet matrix at 14 locations', () => {
  const report = diffFleet(LOCATIONS, objects(), options);

  it('fits 120 columns: numbered location columns with a legend, one row per differing key', () => {
    const text = renderFleetReport(report, plain, {hideIdentical: false, quiet: false, width: 120});
    for (const line of lines(text)) expect(displayWidth(line), line).toBeLessThanOrEqual(120);
    expect(text).toContain('Locations:');
    expect(text).toMatch(/ {2}1 alpha\/payments-region-01 +2 alpha\/payments-region-02/);
    expect(text).toContain('14 beta/payments-region-14');
    expect(text).toMatch(/^OBJECT \/ KEY +1 2 3 4 5 6 7 8 9 10 11 12 13 14 {2}STATUS$/m);
    expect(text).toMatch(/^ {2}LOG_LEVEL +A A A B A A A A A A {2}A {2}A {2}A {2}A {3}different$/m);
    // The object missing in one location is one row; its keys are not rows, their values not listed.
    expect(text).toMatch(/^configmap\/feature-flags +A A A A A A A A - A {2}A {2}A {2}A {2}A {3}different \(absent in 9\)$/m);
    expect(text).not.toMatch(/^ {2}(NEW_CART|DARK_MODE|BETA_SEARCH)/m);
    expect(text).not.toContain('feature-flags NEW_CART');
    // Identical keys are not rows.
    expect(text).not.toMatch(/^ {2}TZ /m);
  });

  it('shows values once per group, cut to the width, and never before the first difference', () => {
    const text = renderFleetReport(report, plain, {hideIdentical: false, quiet: false, width: 80});
    for (const line of lines(text)) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    expect(text).toContain('  configmap/checkout-service-configuration LOG_LEVEL\n    A  info\n    B  debug\n');
    expect(text).toContain('    B  https://payments.example.internal/api/v2/eu/charge');
  });

  it('with a baseline, prints each other value as the change a sync from it would make (now → after)', () => {
    const withBaseline = diffFleet(LOCATIONS, objects(), {...options, baseline: 0});
    const text = renderFleetReport(withBaseline, plain, {hideIdentical: false, quiet: false, width: 120});
    for (const line of lines(text)) expect(displayWidth(line), line).toBeLessThanOrEqual(120);
    expect(text).toMatch(/^OBJECT \/ KEY +1\* 2 /m);
    expect(text).toContain('1* alpha/payments-region-01 (baseline)');
    expect(text).toContain(
      'Values against the baseline 1* alpha/payments-region-01:\n(each other value as a sync from the baseline would change it: now → after)\n',
    );
    expect(text).toContain('    A  info  (the baseline)\n    B  ~ debug → info\n');
    // Structured values: the path that changes.
    expect(text).toContain('    B  ~ server.port: 9091 → 9090\n');
    // No per-location two-location reports: 13 of them would not read.
    expect(text).not.toContain('ConfigMaps and Secrets: alpha/payments-region-01 →');
  });

  it('-o wide: nothing cut', () => {
    const text = renderFleetReport(report, plain, {hideIdentical: false, quiet: false, width: Number.POSITIVE_INFINITY});
    expect(text).not.toContain('…');
  });

  it('names runs of locations as ranges', () => {
    expect(numberList([0, 1, 2, 4, 6, 7])).toBe('1-3, 5, 7, 8');
    expect(numberList([0, 1, 2, 3, 4], 1)).toBe('1, 2*, 3-5');
  });
});
