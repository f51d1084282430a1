// Golden files of what `diff` prints, built from in-memory objects with the salt
// injected the way CI would (KUBECTL_CONFIGSYNC_SALT). `npm run golden:update` rewrites them.
import {describe, expect, it} from 'vitest';
import {expectGolden} from '../support/golden.js';
import {saltForRun} from '../../src/actions/diff/compare.js';
import {diffFleet} from '../../src/core/fleet.js';
import {renderDocument} from '../../src/ui/output.js';
import {renderDiffReport} from '../../src/ui/render-diff.js';
import {renderFleetReport} from '../../src/ui/render-fleet.js';
import {createTheme} from '../../src/ui/theme.js';
import {FLEET_LOCATIONS, fleetObjects, SALT, twoWayReport, useFixtureSalt} from './diff-fixtures.js';

const plain = createTheme(false);
const golden = expectGolden;

useFixtureSalt();
const twoWay = twoWayReport;

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
