// Byte-exactness end to end: Secrets and ConfigMaps holding the values whose bytes are
// easiest to lose (BOM, invalid UTF-8, CR, NUL, NFC/NFD, zero-width, trailing spaces, a value
// at the size limit, 5,000 keys) go through diff, a saved plan, sync, undo and fanout on both
// clusters, and every value read back with kubectl must be the very same bytes.
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {recordFigures, Tally} from '../support/reliability.js';
import {BYTE_CORPUS, LOOKALIKE_VALUES, LOOKALIKES} from '../support/byte-corpus.js';
import {createNamespaces, kubectl, kubectlJson, runCli, uniqueName} from './support.js';

const tally = new Tally();
const work = mkdtempSync(join(tmpdir(), 'configsync-bytes-'));
const SIZE_LIMIT = 1024 * 1024;
const MANY_KEYS = 5000;

const b64 = (bytes: Buffer) => bytes.toString('base64');
const corpusSecretData = Object.fromEntries(BYTE_CORPUS.map((c) => [c.key, b64(c.bytes)]));
const lookalikeSource = Object.fromEntries(LOOKALIKES.map(([a], i) => [`pair-${i}`, b64(LOOKALIKE_VALUES[a])]));
const lookalikeTarget = Object.fromEntries(LOOKALIKES.map(([, b], i) => [`pair-${i}`, b64(LOOKALIKE_VALUES[b])]));
const manyKeys = Object.fromEntries(
  Array.from({length: MANY_KEYS}, (_, i) => [`k${String(i).padStart(4, '0')}`, i % 7 === 0 ? `\ufeff${i}  ` : `v${i}\r\n`]),
);

function secretManifest(namespace: string, name: string, data: Record<string, string>): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace}, type: 'Opaque', data});
}

function configMapManifest(namespace: string, name: string, data: Record<string, string>, binaryData: Record<string, string> = {}): string {
  return JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace}, data, binaryData});
}

/** Corpus as a ConfigMap: text values in data, the others (base64) in binaryData. */
function corpusConfigMap(namespace: string): string {
  const data = Object.fromEntries(BYTE_CORPUS.filter((c) => c.text).map((c) => [c.key, c.bytes.toString('utf8')]));
  const binaryData = Object.fromEntries(BYTE_CORPUS.filter((c) => !c.text).map((c) => [c.key, b64(c.bytes)]));
  return configMapManifest(namespace, 'corpus', data, binaryData);
}

/** Every value of an object as bytes, exactly as the API server holds it (kubectl get -o json). */
async function bytesOf(context: string, namespace: string, kind: 'secret' | 'configmap', name: string): Promise<Record<string, Buffer>> {
  const object = await kubectlJson(['--context', context, '-n', namespace, 'get', kind, name]);
  const result: Record<string, Buffer> = {};
  if (kind === 'secret') for (const [key, value] of Object.entries<string>(object.data ?? {})) result[key] = Buffer.from(value, 'base64');
  else {
    for (const [key, value] of Object.entries<string>(object.data ?? {})) result[key] = Buffer.from(value, 'utf8');
    for (const [key, value] of Object.entries<string>(object.binaryData ?? {})) result[key] = Buffer.from(value, 'base64');
  }
  return result;
}

/** Compares every value byte for byte and counts the comparisons. */
function expectSameBytes(actual: Record<string, Buffer>, expected: Record<string, Buffer>, what: string): void {
  expect(Object.keys(actual).sort(), what).toEqual(Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    tally.add('valuesCompared');
    const same = actual[key].equals(expected[key]);
    if (!same) tally.add('byteMismatches');
    expect(
      same,
      `${what}: ${key} ${JSON.stringify(actual[key].toString('latin1'))} != ${JSON.stringify(expected[key].toString('latin1'))}`,
    ).toBe(true);
  }
}

const fromBase64 = (data: Record<string, string>) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64')]));

describe('byte-exact round trips', () => {
  const src = uniqueName('bytes-src');
  const dst = uniqueName('bytes-dst');
  const fanA = uniqueName('bytes-fan');
  let cleanup: Array<() => Promise<void>> = [];
  let sourceBytes: Record<string, Record<string, Buffer>>;

  beforeAll(async () => {
    cleanup = [await createNamespaces('alpha', src, fanA), await createNamespaces('beta', dst, fanA)];
    const create = (context: string, manifest: string) => kubectl(['--context', context, 'create', '-f', '-'], manifest);
    await create('alpha', secretManifest(src, 'corpus', corpusSecretData));
    await create('alpha', corpusConfigMap(src));
    // Exactly the 1 MiB limit of a Secret's data.
    await create('alpha', secretManifest(src, 'at-limit', {blob: b64(Buffer.alloc(SIZE_LIMIT, 0xfe))}));
    await create('alpha', configMapManifest(src, 'many-keys', manyKeys));
    await create('alpha', secretManifest(src, 'lookalike', lookalikeSource));
    await create('beta', secretManifest(dst, 'lookalike', lookalikeTarget));
    // Only A differs; B has a BOM on both sides and must stay as it is when only A is synced.
    await create('alpha', secretManifest(src, 'partial', {A: b64(Buffer.from('new')), B: b64(Buffer.from('\ufeffkeep'))}));
    await create('beta', secretManifest(dst, 'partial', {A: b64(Buffer.from('old')), B: b64(Buffer.from('\ufeffkeep'))}));
    sourceBytes = {
      'secret/corpus': await bytesOf('alpha', src, 'secret', 'corpus'),
      'configmap/corpus': await bytesOf('alpha', src, 'configmap', 'corpus'),
      'secret/at-limit': await bytesOf('alpha', src, 'secret', 'at-limit'),
      'configmap/many-keys': await bytesOf('alpha', src, 'configmap', 'many-keys'),
    };
    expectSameBytes(
      sourceBytes['secret/corpus'],
      Object.fromEntries(BYTE_CORPUS.map((c) => [c.key, c.bytes])),
      'the API server keeps the corpus as created',
    );
  });

  afterAll(async () => {
    for (const done of cleanup) await done();
    const f = tally.figures;
    recordFigures('byte-exact', 'Byte-exact round trips', {
      valuesCompared: f.valuesCompared ?? 0,
      byteMismatches: f.byteMismatches ?? 0,
      diffPairsChecked: f.diffPairsChecked ?? 0,
      commandsRun: f.commandsRun ?? 0,
    });
  });

  it('diff: look-alike values are different, and the table shows how', async () => {
    const json = await runCli([
      'diff',
      `alpha/${src}`,
      `beta/${dst}`,
      'secret/lookalike',
      'secret/partial',
      '--kind',
      'secrets',
      '-o',
      'json',
    ]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    const lookalike = report.objects.find((o: any) => o.name === 'lookalike');
    expect(lookalike.keys.map((k: any) => k.status)).toEqual(LOOKALIKES.map(() => 'different'));
    const partial = report.objects.find((o: any) => o.name === 'partial');
    expect(partial.keys.map((k: any) => [k.key, k.status])).toEqual([
      ['A', 'different'],
      ['B', 'identical'],
    ]);
    tally.add('diffPairsChecked', LOOKALIKES.length + 2);

    const table = await runCli(['diff', `alpha/${src}`, `beta/${dst}`, 'secret/lookalike', '--kind', 'secrets', '--show-secrets']);
    expect(table.code).toBe(1);
    // Each row reads target now → after sync (the source's value).
    expect(table.stdout).toMatch(/~ pair-0 +different +hello +⟨BOM⟩hello$/m);
    expect(table.stdout).toMatch(/~ pair-1 +different +cafe\\u0301 +caf\\u00e9$/m);
    expect(table.stdout).toMatch(/~ pair-2 +different +value +value···$/m);
    expect(table.stdout).toMatch(/~ pair-3 +different +a=1↵b=2↵ +a=1␍↵b=2␍↵$/m);
    expect(table.stdout).toMatch(/~ pair-4 +different +abc +ab\\u200bc$/m);
  });

  it('sync --keys writes the selected key and leaves the other bytes alone', async () => {
    const result = await runCli(['sync', `alpha/${src}`, `beta/${dst}`, 'secret/partial', '--kind', 'secrets', '--keys', 'A', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expectSameBytes(
      await bytesOf('beta', dst, 'secret', 'partial'),
      {A: Buffer.from('new'), B: Buffer.from('\ufeffkeep')},
      'partial after sync --keys A',
    );
  });

  it('a saved plan, sync and undo keep every byte, across clusters', async () => {
    const names = ['secret/corpus', 'configmap/corpus', 'secret/at-limit', 'configmap/many-keys', 'secret/lookalike'];
    const planned = await runCli(['diff', `alpha/${src}`, `beta/${dst}`, ...names, '--kind', 'configmaps,secrets', '-o', 'json']);
    expect(planned.code).toBe(1);
    const plan = join(work, 'plan.json');
    writeFileSync(plan, planned.stdout);
    const synced = await runCli(['sync', '--plan', plan, '--yes', '-o', 'json'], {timeoutMs: 120_000});
    expect(synced.code, synced.stderr).toBe(0);
    const runId = JSON.parse(synced.stdout).runId as string;
    for (const [ref, expected] of Object.entries(sourceBytes)) {
      const [kind, name] = ref.split('/') as ['secret' | 'configmap', string];
      expectSameBytes(await bytesOf('beta', dst, kind, name), expected, `${ref} after sync`);
    }
    expectSameBytes(await bytesOf('beta', dst, 'secret', 'lookalike'), fromBase64(lookalikeSource), 'lookalike after sync');

    // Equal if and only if the bytes are equal: now nothing differs.
    const again = await runCli(['diff', `alpha/${src}`, `beta/${dst}`, ...names, '--kind', 'configmaps,secrets', '-o', 'json']);
    expect(again.code, again.stdout).toBe(0);

    const undone = await runCli(['undo', runId, '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expectSameBytes(await bytesOf('beta', dst, 'secret', 'lookalike'), fromBase64(lookalikeTarget), 'lookalike after undo');
    const gone = await kubectl(['--context', 'beta', '-n', dst, 'get', 'secrets,configmaps', '-o', 'name']);
    expect(gone).not.toMatch(/corpus|at-limit|many-keys/);
    tally.add('commandsRun', 4);
  });

  it('fanout copies every byte to both clusters, and status finds the copies in sync', async () => {
    for (const ref of ['secret/corpus', 'configmap/corpus', 'configmap/many-keys']) {
      const result = await runCli(
        ['fanout', ref, '--context', 'alpha', '-n', src, '--to-context', 'alpha,beta', '--to-namespace', fanA, '--yes'],
        {timeoutMs: 120_000},
      );
      expect(result.code, result.stderr).toBe(0);
      const [kind, name] = ref.split('/') as ['secret' | 'configmap', string];
      for (const context of ['alpha', 'beta'])
        expectSameBytes(await bytesOf(context, fanA, kind, name), sourceBytes[ref], `${ref} fanned out to ${context}`);
      const status = await runCli([
        'fanout',
        'status',
        ref,
        '--context',
        'alpha',
        '-n',
        src,
        '--to-context',
        'alpha,beta',
        '--to-namespace',
        fanA,
      ]);
      expect(status.code, status.stdout + status.stderr).toBe(0);
      tally.add('commandsRun', 2);
    }
  });
});
