// Golden files of what `diff` prints, built from in-memory objects with the salt
// injected the way CI would (KUBECTL_CONFIGSYNC_SALT). UPDATE_GOLDEN=1 rewrites them.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {saltForRun} from '../../src/actions/diff/compare.js';
import {selectObjects} from '../../src/actions/diff/compare.js';
import {diffLocations} from '../../src/core/diff.js';
import {diffFleet} from '../../src/core/fleet.js';
import {renderDocument} from '../../src/ui/output.js';
import {renderDiffReport} from '../../src/ui/render-diff.js';
import {renderFleetReport} from '../../src/ui/render-fleet.js';
import {createTheme} from '../../src/ui/theme.js';
import {FLEET_LOCATIONS, fleetObjects, IGNORE, PROD, prodObjects, SALT, STAGING, stagingObjects} from './diff-fixtures.js';

const goldenDir = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');
const plain = createTheme(false);

function golden(name: string, actual: string): void {
  const file = join(goldenDir, name);
  // Goldens are written only on request: a missing one must fail, not pass by creating itself.
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(goldenDir, {recursive: true});
    writeFileSync(file, actual);
  }
  expect(existsSync(file), `${name} is missing; run with UPDATE_GOLDEN=1 to create it`).toBe(true);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

let savedSalt: string | undefined;
beforeAll(() => {
  savedSalt = process.env.KUBECTL_CONFIGSYNC_SALT;
  process.env.KUBECTL_CONFIGSYNC_SALT = SALT;
});
afterAll(() => {
  if (savedSalt === undefined) delete process.env.KUBECTL_CONFIGSYNC_SALT;
  else process.env.KUBECTL_CONFIGSYNC_SALT = savedSalt;
});

function twoWay() {
  const salt = saltForRun();
  const pick = (objects: ReturnType<typeof stagingObjects>) => selectObjects(objects, [], false);
  return diffLocations(STAGING, PROD, pick(stagingObjects()), pick(prodObjects()), {
    kinds: ['ConfigMap', 'Secret'],
    showSecrets: false,
    salt,
    ignore: IGNORE,
  });
}

function fleet() {
  return diffFleet(FLEET_LOCATIONS, fleetObjects(), {
    kinds: ['ConfigMap', 'Secret'],
    showSecrets: false,
    salt: saltForRun(),
    ignore: {keys: ['DB_HOST'], objects: []},
  });
}

describe('golden output', () => {
  it('takes the salt from KUBECTL_CONFIGSYNC_SALT', () => {
    expect(saltForRun()).toBe(SALT);
  });

  it('renders the two-location table', () => {
    golden('diff-table.txt', renderDiffReport(twoWay(), plain, {context: 3, hideIdentical: false, quiet: false}));
  });

  it('renders the two-location report as JSON and YAML', () => {
    golden('diff-report.json', renderDocument(twoWay(), 'json'));
    golden('diff-report.yaml', renderDocument(twoWay(), 'yaml'));
  });

  it('renders the fleet matrix', () => {
    golden('fleet-table.txt', renderFleetReport(fleet(), plain, {hideIdentical: false, quiet: false}));
  });

  it('renders the fleet report as JSON', () => {
    golden('fleet-report.json', renderDocument(fleet(), 'json'));
  });
});
