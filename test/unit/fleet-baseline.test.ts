import {Ajv2020} from 'ajv/dist/2020.js';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {diffFleet} from '../../src/core/fleet.js';
import {groupValue, renderFleetReport} from '../../src/ui/render-fleet.js';
import {createTheme} from '../../src/ui/theme.js';
import {cm, FLEET_LOCATIONS, fleetObjects, loc, SALT} from './diff-fixtures.js';

const options = {kinds: ['ConfigMap' as const, 'Secret' as const], showSecrets: false, salt: SALT};
const plain = createTheme(false);

describe('fleet --baseline and --full-values', () => {
  it('compares every other location with the baseline, as two-location reports valid under the schema', () => {
    const report = diffFleet(FLEET_LOCATIONS, fleetObjects(), {...options, baseline: 1});
    expect(report.baseline).toEqual(FLEET_LOCATIONS[1]);
    expect(report.againstBaseline?.map((r) => [r.source, r.target])).toEqual(
      [0, 2, 3].map((i) => [FLEET_LOCATIONS[1], FLEET_LOCATIONS[i]]),
    );
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'diff-report.schema.json'), 'utf8'));
    const validate = new Ajv2020({allErrors: true, strict: false}).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
    const text = renderFleetReport(report, plain, {hideIdentical: false, quiet: false});
    expect(text).toContain(`Values against the baseline 2* ${FLEET_LOCATIONS[1].context}/${FLEET_LOCATIONS[1].namespace}:`);
  });

  it('shows path-level changes of each other value against the baseline, now → after', () => {
    const locations = [loc('alpha', 'a'), loc('alpha', 'b'), loc('alpha', 'c')];
    const objects = [
      [cm('a', 'app', {'app.yaml': 'port: 1\nhost: x\n'})],
      [cm('b', 'app', {'app.yaml': 'port: 2\nhost: x\n'})],
      [cm('c', 'app', {'app.yaml': 'port: 1\nhost: y\n'})],
    ];
    const text = renderFleetReport(diffFleet(locations, objects, {...options, baseline: 0}), plain, {hideIdentical: false, quiet: false});
    expect(text).toContain(
      '  configmap/app app.yaml\n    A  port: 1↵host: x↵  (the baseline)\n    B  ~ port: 2 → 1\n    C  ~ host: y → x\n',
    );
  });

  it('never prints two different cut values alike, and prints them whole with --full-values', () => {
    const long = 'x'.repeat(200);
    const a = {group: 'A', value: `${long}1`, size: 201};
    const b = {group: 'B', value: `${long}2`, size: 201};
    expect(groupValue(a)).not.toBe(groupValue(b));
    expect(groupValue(a)).toMatch(/… \[cut: 201 B, sha256:[0-9a-f]{8}; --full-values shows all\]$/);
    expect(groupValue(a, true)).toBe(`${long}1`);
    expect(groupValue({group: 'A', value: 'one\ntwo', size: 7}, true)).toBe('|\n       one\n       two');
    expect(groupValue({group: 'A', value: 'short', size: 5})).toBe('short');
  });
});

describe('fleet rows of Secrets', () => {
  it('are one per key, in section data, when a value is text in one place and bytes in another', () => {
    const secret = (namespace: string, data: Record<string, string>, binaryData: Record<string, string> = {}) => ({
      ...cm(namespace, 's', data, binaryData),
      kind: 'Secret' as const,
      type: 'Opaque',
    });
    const locations = [loc('alpha', 'a'), loc('alpha', 'b'), loc('alpha', 'c')];
    const report = diffFleet(
      locations,
      [[secret('a', {k: 'text'})], [secret('b', {}, {k: Buffer.from([0xff]).toString('base64')})], [secret('c', {k: 'text'})]],
      options,
    );
    expect(report.objects[0].keys.map((k) => [k.key, k.section, k.cells])).toEqual([['k', 'data', ['A', 'B', 'A']]]);
    expect(report.objects[0].keys[0].groups.every((g) => g.masked && g.value === undefined)).toBe(true);
  });
});
