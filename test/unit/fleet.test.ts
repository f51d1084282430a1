import {describe, expect, it} from 'vitest';
import {diffFleet, fleetHasDifferences, groupName, type FleetReport} from '../../src/core/fleet.js';
import {fingerprint} from '../../src/core/fingerprint.js';
import {cm, FLEET_LOCATIONS, fleetObjects, loc, SALT} from './diff-fixtures.js';

const options = {kinds: ['ConfigMap' as const, 'Secret' as const], showSecrets: false, salt: SALT};

function fleet(extra: Partial<Parameters<typeof diffFleet>[2]> = {}): FleetReport {
  return diffFleet(FLEET_LOCATIONS, fleetObjects(), {...options, ...extra});
}

describe('diffFleet', () => {
  it('letters cells by first appearance: same letter, same value; null where absent', () => {
    const r = fleet();
    const app = r.objects.find((o) => o.name === 'app-config')!;
    const row = (key: string) => app.keys.find((k) => k.key === key)!;
    expect(row('LOG_LEVEL').cells).toEqual(['A', 'A', 'B', 'C']);
    expect(row('LOG_LEVEL').groups.map((g) => [g.group, g.value])).toEqual([
      ['A', 'info'],
      ['B', 'warn'],
      ['C', 'debug'],
    ]);
    expect(row('TZ')).toMatchObject({status: 'identical', cells: ['A', 'A', 'A', 'A']});
    expect(row('EXTRA')).toMatchObject({status: 'different', cells: [null, null, null, 'A']});
    expect(r.objects.find((o) => o.name === 'dev-only')).toMatchObject({status: 'different', cells: ['A', null, null, null]});
  });

  it('summarises objects and the key rows that disagree', () => {
    const r = fleet();
    expect(r.kind).toBe('FleetReport');
    expect(r.objects.map((o) => [o.kind, o.name, o.status])).toEqual([
      ['ConfigMap', 'app-config', 'different'],
      ['ConfigMap', 'common', 'different'],
      ['ConfigMap', 'dev-only', 'different'],
      ['Secret', 'api-key', 'different'],
    ]);
    expect(r.summary).toEqual({locations: 4, total: 4, identical: 0, different: 4, differentKeys: 6, ignoredObjects: 0, ignoredKeys: 0});
    expect(fleetHasDifferences(r)).toBe(true);
  });

  it('masks Secret groups with fingerprints unless asked', () => {
    const key = fleet().objects.find((o) => o.name === 'api-key')!.keys[0];
    expect(key.cells).toEqual(['A', 'A', 'B', 'A']);
    expect(key.groups).toEqual([
      {group: 'A', masked: true, fingerprint: fingerprint('abc', SALT), size: 3},
      {group: 'B', masked: true, fingerprint: fingerprint('xyz', SALT), size: 3},
    ]);
    expect(JSON.stringify(fleet())).not.toContain('xyz');
    expect(fleet({showSecrets: true}).objects.find((o) => o.name === 'api-key')!.keys[0].groups[1].value).toBe('xyz');
  });

  it('compares binaryData by size and hash', () => {
    const blob = fleet()
      .objects.find((o) => o.name === 'common')!
      .keys.find((k) => k.key === 'blob.bin')!;
    expect(blob).toMatchObject({section: 'binaryData', cells: [null, null, null, 'A']});
    expect(blob.groups[0]).toMatchObject({size: 8, sha256: expect.stringMatching(/^[0-9a-f]{64}$/)});
    expect(blob.groups[0].value).toBeUndefined();
  });

  it('leaves ignored keys and objects out of the verdict', () => {
    const r = fleet({ignore: {keys: ['DB_HOST', 'LOG_LEVEL', 'EXTRA', 'blob.bin'], objects: ['dev-only', 'api-key']}});
    expect(r.objects.map((o) => [o.name, o.status, o.ignored])).toEqual([
      ['app-config', 'identical', false],
      ['common', 'identical', false],
      ['dev-only', 'different', true],
      ['api-key', 'different', true],
    ]);
    expect(r.summary).toMatchObject({total: 2, identical: 2, different: 0, differentKeys: 0, ignoredObjects: 2, ignoredKeys: 4});
    expect(fleetHasDifferences(r)).toBe(false);
  });

  it('finds a fleet in agreement', () => {
    const locations = [loc('a', 'x'), loc('b', 'x'), loc('c', 'x')];
    const r = diffFleet(
      locations,
      locations.map(() => [cm('x', 'same', {K: 'v'})]),
      options,
    );
    expect(r.summary).toMatchObject({total: 1, identical: 1, different: 0});
    expect(r.objects[0].cells).toEqual(['A', 'A', 'A']);
    expect(fleetHasDifferences(r)).toBe(false);
  });

  it('notes Secret types that differ', () => {
    const locations = [loc('a', 'x'), loc('b', 'x'), loc('c', 'x')];
    const secret = (type: string) => ({...cm('x', 's', {}), kind: 'Secret' as const, type});
    const r = diffFleet(locations, [[secret('Opaque')], [secret('kubernetes.io/tls')], []], options);
    expect(r.objects[0]).toMatchObject({status: 'different', types: ['Opaque', 'kubernetes.io/tls', null]});
  });

  it('rejects mismatched input', () => {
    expect(() => diffFleet([loc('a', 'x')], [], options)).toThrow();
  });
});

describe('groupName', () => {
  it('counts A…Z then AA', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(groupName)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });
});
