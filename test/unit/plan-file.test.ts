import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {readPlanDocument, validatePlanDocument} from '../../src/files/plan-file.js';
import {diffLocations} from '../../src/core/diff.js';
import {planSync} from '../../src/core/sync-plan.js';
import type {ConfigObject} from '../../src/core/types.js';

const source = {context: 'alpha', namespace: 'a', label: 'alpha/a'};
const target = {context: 'beta', namespace: 'b', label: 'beta/b'};
const binding = {source: {cluster: 'uid-alpha', namespaceUid: 'n1'}, target: {cluster: 'uid-beta'}, saltId: '0123abcd'};
const cm = (data: Record<string, string>, extra: Partial<ConfigObject> = {}): ConfigObject => ({
  kind: 'ConfigMap',
  name: 'app',
  namespace: 'x',
  labels: {},
  annotations: {},
  data,
  binaryData: {},
  uid: 'u1',
  resourceVersion: '3',
  ...extra,
});
const secret = (data: Record<string, string>): ConfigObject => ({...cm(data), kind: 'Secret', name: 's', type: 'Opaque'});

function documents() {
  const report = {
    ...diffLocations(source, target, [cm({A: '2'}), secret({P: 'new'})], [cm({A: '1'})], {
      kinds: ['ConfigMap', 'Secret'],
      showSecrets: false,
      salt: 'pepper',
    }),
    binding,
  };
  const {plan} = planSync(
    report,
    [cm({A: '2'}), secret({P: 'new'})],
    [cm({A: '1'})],
    {keys: () => true, prune: false, recreate: false},
    {now: new Date(0)},
  );
  return {report: JSON.parse(JSON.stringify(report)), plan: JSON.parse(JSON.stringify(plan))};
}

describe('plan documents are checked against schema/ on read', () => {
  it('accepts what diff -o json and sync --dry-run=client -o json print', () => {
    const {report, plan} = documents();
    expect(() => validatePlanDocument(report, 'r.json')).not.toThrow();
    expect(() => validatePlanDocument(plan, 'p.json')).not.toThrow();
    // Secret checksums are keyed with the run's salt, which the plan names but never holds: no bare digest of a secret is stored.
    expect(plan.objects.find((o: {kind: string}) => o.kind === 'Secret').source.checksum).toMatch(/^hmac-sha256:/);
  });

  it('refuses malformed plans with one line naming the place', () => {
    const {plan} = documents();
    expect(() => validatePlanDocument({...plan, objects: [null]}, 'p.json')).toThrow(
      /^--plan: p\.json is not a valid SyncPlan: \/objects\/0 must be object$/,
    );
    expect(() => validatePlanDocument({...plan, binding: {...plan.binding, target: {}}}, 'p.json')).toThrow(
      /\/binding\/target must have required property 'cluster'/,
    );
    expect(() => validatePlanDocument({...plan, extra: 1}, 'p.json')).toThrow(/unknown field "extra"/);
    expect(() => validatePlanDocument({kind: 'ConfigMap'}, 'p.json')).toThrow(/expected a DiffReport/);
  });

  it('reads JSON or YAML from a file, one line when it is neither', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'plan.json');
    writeFileSync(file, '{"objects": [');
    expect(() => readPlanDocument(file)).toThrow(/is not JSON or YAML/);
    writeFileSync(file, JSON.stringify(documents().plan));
    expect(readPlanDocument(file)).toMatchObject({kind: 'SyncPlan'});
  });
});
