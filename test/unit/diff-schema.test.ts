import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import {load} from 'js-yaml';
import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {diffFleet} from '../../src/core/fleet.js';
import {renderDocument} from '../../src/ui/output.js';
import {cm, FLEET_LOCATIONS, fleetObjects, IGNORE, PROD, prodObjects, SALT, STAGING, stagingObjects} from './diff-fixtures.js';

const root = join(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schema', 'diff-report.schema.json'), 'utf8'));
const validate = new Ajv2020({allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true}).compile(schema);

function check(document: unknown): void {
  const ok = validate(document);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
  expect(ok).toBe(true);
}

describe('schema/diff-report.schema.json', () => {
  const options = {kinds: ['ConfigMap' as const, 'Secret' as const], salt: SALT, ignore: IGNORE};

  it('accepts two-location reports, masked and shown, as JSON and YAML', () => {
    for (const showSecrets of [false, true]) {
      const report = diffLocations(STAGING, PROD, stagingObjects(), prodObjects(), {...options, showSecrets});
      check(JSON.parse(renderDocument(report, 'json')));
      check(load(renderDocument(report, 'yaml')));
    }
  });

  it('accepts fleet reports', () => {
    for (const showSecrets of [false, true])
      check(JSON.parse(renderDocument(diffFleet(FLEET_LOCATIONS, fleetObjects(), {...options, showSecrets}), 'json')));
  });

  it('accepts the committed golden documents', () => {
    for (const file of ['diff-report.json', 'fleet-report.json'])
      check(JSON.parse(readFileSync(join(root, 'fixtures', 'golden', file), 'utf8')));
    check(load(readFileSync(join(root, 'fixtures', 'golden', 'diff-report.yaml'), 'utf8')));
  });

  it('rejects documents that break the contract', () => {
    const report = JSON.parse(
      renderDocument(
        diffLocations(STAGING, PROD, [cm('staging', 'a', {K: '1'})], [cm('prod', 'a', {K: '2'})], {...options, showSecrets: false}),
        'json',
      ),
    );
    expect(validate({...report, apiVersion: 'v2'})).toBe(false);
    expect(validate({...report, extra: 1})).toBe(false);
    const leaky = structuredClone(report);
    leaky.objects[0].keys[0].source = {value: 'x', masked: true, fingerprint: 'abcdef01', size: 1};
    expect(validate(leaky)).toBe(false);
    const badStatus = structuredClone(report);
    badStatus.objects[0].status = 'changed';
    expect(validate(badStatus)).toBe(false);
  });
});
