import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {planSync} from '../../src/core/sync-plan.js';
import {decodeSecretData, encodeSecretData} from '../../src/core/secret-bytes.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {renderDiffReport} from '../../src/ui/render-diff.js';
import {createTheme} from '../../src/ui/theme.js';

const loc = (namespace: string): Location => ({context: 'alpha', namespace, label: namespace});
const cm = (namespace: string, data: Record<string, string>, binaryData: Record<string, string> = {}): ConfigObject => ({
  kind: 'ConfigMap',
  name: 'app',
  namespace,
  resourceVersion: '1',
  labels: {},
  annotations: {},
  data,
  binaryData,
});
const b64 = (text: string) => Buffer.from(text).toString('base64');
const diff = (a: ConfigObject, b: ConfigObject) =>
  diffLocations(loc('x'), loc('y'), [a], [b], {kinds: ['ConfigMap'], showSecrets: false, salt: 's'});

describe('a key moved between data and binaryData', () => {
  it('is one row that says whether the bytes are the same', () => {
    const same = diff(cm('x', {cert: 'PEM'}), cm('y', {}, {cert: b64('PEM')}));
    expect(same.objects[0].keys).toEqual([
      expect.objectContaining({key: 'cert', section: 'data', status: 'different', targetSection: 'binaryData', sameBytes: true}),
    ]);
    const changed = diff(cm('x', {}, {cert: b64('PEM')}), cm('y', {cert: 'OTHER'}));
    expect(changed.objects[0].keys).toEqual([
      expect.objectContaining({key: 'cert', section: 'binaryData', targetSection: 'data', sameBytes: false}),
    ]);
    const text = renderDiffReport(same, createTheme(false), {context: 3, hideIdentical: false, quiet: false});
    expect(text).toMatch(/^ {2}~ cert +moved to binaryData, same bytes +3 B sha256:\S+ +PEM$/m);
    expect(text).not.toMatch(/^ {2}. cert .*missing in/m);
  });

  it("syncs as a move: the key lands in the source's section and leaves the other", () => {
    const source = cm('x', {cert: 'PEM'});
    const target = cm('y', {}, {cert: b64('PEM')});
    const report = diff(source, target);
    const {writes} = planSync(report, [source], [target], {keys: () => true, prune: false, recreate: false}, {now: new Date(0)});
    expect(writes[0].desired.data).toEqual({cert: 'PEM'});
    expect(writes[0].desired.binaryData).toEqual({});
  });
});

describe('Secret sections', () => {
  const secret = (namespace: string, encoded: Record<string, Buffer>): ConfigObject => ({
    ...cm(namespace, {}),
    kind: 'Secret',
    type: 'Opaque',
    ...decodeSecretData(Object.fromEntries(Object.entries(encoded).map(([k, v]) => [k, v.toString('base64')]))),
  });
  const sdiff = (a: ConfigObject, b: ConfigObject) =>
    diffLocations(loc('x'), loc('y'), [a], [b], {kinds: ['Secret'], showSecrets: false, salt: 's'});

  it('are all "data", as in the API; a value that is text on one side only is one changed row', () => {
    const source = secret('x', {a: Buffer.from('text'), b: Buffer.from([0xff, 1]), c: Buffer.from([0xff, 2])});
    const target = secret('y', {a: Buffer.from([0xff, 0xfe]), b: Buffer.from([0xff, 1]), c: Buffer.from([0xff, 3])});
    const report = sdiff(source, target);
    expect(report.objects[0].keys.map((k) => [k.key, k.section, k.status, k.targetSection])).toEqual([
      ['a', 'data', 'different', undefined],
      ['b', 'data', 'identical', undefined],
      ['c', 'data', 'different', undefined],
    ]);
    const {writes} = planSync(report, [source], [target], {keys: () => true, prune: false, recreate: false}, {now: new Date(0)});
    expect(encodeSecretData(writes[0].desired)).toEqual(encodeSecretData(source));
    expect(writes[0].desired.data).toEqual({a: 'text'});
  });
});
