// What diff says inside values, read from real API servers: type changes, a key moved between
// data and binaryData, .properties escapes and continuations, keys inside Secret values masked,
// and a line diff that stays bounded for two completely different 5,000-line values.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, runCli, uniqueName} from './support.js';

const src = uniqueName('values-src');
const dst = uniqueName('values-dst');
let cleanup: () => Promise<void>;
const lines = (tag: string) => Array.from({length: 5000}, (_, i) => `${tag}-${i}-${'x'.repeat(20)}`).join('\n') + '\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');

beforeAll(async () => {
  cleanup = await createNamespaces('alpha', src, dst);
  await apply('alpha', configMap(src, 'typed', {'app.yaml': 'server:\n  port: "8080"\n  tls: true\n', 'a.json': '{"t":"8080"}'}));
  await apply('alpha', configMap(dst, 'typed', {'app.yaml': 'server:\n  port: 8080\n  tls: "true"\n', 'a.json': '{"t":8080}'}));
  await apply('alpha', configMap(src, 'moved', {cert: 'PEM', other: 'same'}));
  await apply('alpha', configMap(dst, 'moved', {other: 'same'}, {binaryData: {cert: b64('PEM')}}));
  await apply('alpha', configMap(src, 'props', {'app.properties': 'key\\:colon=v\nlist=a,\\\n  b\nname value\n'}));
  await apply('alpha', configMap(dst, 'props', {'app.properties': 'key\\:colon=w\nlist=a,\\\n  c\nname value\n'}));
  await apply('alpha', configMap(src, 'big', {'big.txt': lines('a')}));
  await apply('alpha', configMap(dst, 'big', {'big.txt': lines('b')}));
  const secret = (namespace: string, json: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {name: 'tokens', namespace},
      type: 'Opaque',
      stringData: {'tokens.json': json},
    });
  // Two keys and two values that differ only in the middle: cut to fit 80 columns, they must still differ.
  const middle = (mark: string) => `k${'x'.repeat(100)}${mark}${'x'.repeat(100)}`;
  await apply('alpha', configMap(src, 'lookalike', {[middle('M')]: '1', URL: `https://payments.example.internal/${'v/'.repeat(40)}eu`}));
  await apply('alpha', configMap(dst, 'lookalike', {[middle('N')]: '1', URL: `https://payments.example.internal/${'v/'.repeat(40)}us`}));
  await apply('alpha', secret(src, '{"tokens": {"tok-SECRET-aaaa1111": "x"}}'));
  await apply('alpha', secret(dst, '{"tokens": {"tok-SECRET-bbbb2222": "x"}}'));
});

afterAll(async () => cleanup?.());

const diff = (...args: string[]) => runCli(['diff', `alpha/${src}`, `alpha/${dst}`, ...args]);

describe('diff inside values', () => {
  it('cut to fit 80 columns, keys and values that differ only in the middle still print differently', async () => {
    const result = await runCli(['diff', `alpha/${src}`, `alpha/${dst}`, 'lookalike'], {env: {COLUMNS: '80'}});
    expect(result.code).toBe(1);
    const rows = result.stdout.split('\n').filter((line) => /^ {2}[+~-] /.test(line));
    expect(rows.every((line) => [...line].length <= 80)).toBe(true);
    const keys = rows.filter((line) => /missing in/.test(line)).map((line) => line.slice(4).split(/ {3,}/)[0]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
    const url = rows.find((line) => line.startsWith('  ~ URL'))!.split(/ {3,}/);
    // TARGET NOW, then AFTER SYNC: each shows where they differ.
    expect(url.at(-2)).toMatch(/us$/);
    expect(url.at(-1)).toMatch(/eu$/);
  });

  it('reports type changes in the table and in JSON', async () => {
    const table = await diff('configmap/typed');
    expect(table.code).toBe(1);
    expect(table.stdout).toContain('~ server.port: 8080 (number) → "8080" (string)');
    expect(table.stdout).toContain('~ server.tls: "true" (string) → true (boolean)');
    expect(table.stdout).toContain('~ t: 8080 (number) → "8080" (string)');
    const json = JSON.parse((await diff('configmap/typed', '-o', 'json')).stdout);
    const key = json.objects[0].keys.find((k: any) => k.key === 'a.json');
    expect(key.changes).toEqual([{path: 't', change: 'changed', old: '8080', new: '8080', oldType: 'string', newType: 'number'}]);
  });

  it('shows a key moved between data and binaryData as one row', async () => {
    const table = await diff('configmap/moved');
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^ {2}~ cert +moved to binaryData, same bytes +3 B sha256:[0-9a-f]{12} +PEM$/m);
    expect(table.stdout).not.toMatch(/missing in (source|target) +PEM|missing in source +-/);
    const json = JSON.parse((await diff('configmap/moved', '-o', 'json')).stdout);
    expect(json.objects[0].keys.filter((k: any) => k.key === 'cert')).toEqual([
      expect.objectContaining({section: 'data', targetSection: 'binaryData', sameBytes: true, status: 'different'}),
    ]);
  });

  it('reads .properties to its specification', async () => {
    const table = await diff('configmap/props');
    expect(table.stdout).toContain('~ key:colon: w → v');
    expect(table.stdout).toContain('~ list: a,c → a,b');
    expect(table.stdout).not.toMatch(/~ name/);
  });

  it('masks the keys inside a Secret value as well as its values', async () => {
    const result = await diff('secret/tokens', '--kind', 'secrets');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/tokens\.json \(json\):\n( {4}[-+] \*\*\* \([0-9a-f]{8}\): \*\*\*\n){2}/);
    expect(result.stdout).toMatch(/^ {4}\+ \*\*\* \([0-9a-f]{8}\): \*\*\*$/m);
    expect(result.stdout).toMatch(/^ {4}- \*\*\* \([0-9a-f]{8}\): \*\*\*$/m);
    expect(result.stdout).not.toContain('tok-SECRET');
    const shown = await diff('secret/tokens', '--kind', 'secrets', '--show-secrets');
    expect(shown.stdout).toContain('tok-SECRET-aaaa1111');
  });

  it('keeps the line diff of two completely different 5,000-line values bounded, and says it left it out', async () => {
    const started = Date.now();
    const result = await diff('configmap/big');
    const elapsed = Date.now() - started;
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '(line diff left out: 5001 and 5001 lines, first difference at line 1; more than 1000 lines differ or it took over 250 ms)',
    );
    // The whole run, start-up and API calls included; the unbounded diff alone took 7.5 s or more.
    expect(elapsed).toBeLessThan(5000);
  });
});
