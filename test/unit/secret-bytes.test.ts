import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {decodeSecretData, decodeUtf8Exactly, encodeSecretData} from '../../src/core/secret-bytes.js';
import type {ConfigObject, Location} from '../../src/core/types.js';
import {BYTE_CORPUS, LOOKALIKE_VALUES} from '../support/byte-corpus.js';

const encodedCorpus = Object.fromEntries(BYTE_CORPUS.map((c) => [c.key, c.bytes.toString('base64')]));

describe('Secret bytes round trip', () => {
  it('decodes and encodes every value of the corpus back to the same bytes', () => {
    const decoded = decodeSecretData(encodedCorpus);
    const encoded = encodeSecretData(decoded);
    for (const c of BYTE_CORPUS) {
      expect(Buffer.from(encoded[c.key], 'base64').equals(c.bytes), c.key).toBe(true);
      expect(c.key in decoded.data, `${c.key} handled as text`).toBe(c.text);
    }
    expect(Object.keys(encoded).sort()).toEqual(Object.keys(encodedCorpus).sort());
  });

  it('keeps a byte-order mark as part of the text', () => {
    expect(decodeSecretData({v: Buffer.from('\ufeffhello').toString('base64')}).data.v).toBe('\ufeffhello');
    expect(decodeUtf8Exactly(Buffer.from([0xef, 0xbb, 0xbf]))).toBe('\ufeff');
  });

  it('never normalises: NFC and NFD stay two different texts', () => {
    const {data} = decodeSecretData({nfc: LOOKALIKE_VALUES.nfc.toString('base64'), nfd: LOOKALIKE_VALUES.nfd.toString('base64')});
    expect(data.nfc).not.toBe(data.nfd);
    expect(Buffer.from(data.nfd, 'utf8').equals(LOOKALIKE_VALUES.nfd)).toBe(true);
  });

  it('diff says identical if and only if the bytes are equal, for every pair in the corpus', () => {
    const values = [...BYTE_CORPUS.map((c) => c.bytes), ...Object.values(LOOKALIKE_VALUES)];
    const loc = (namespace: string): Location => ({context: 'alpha', namespace, label: namespace});
    const secret = (namespace: string, bytes: Buffer): ConfigObject => ({
      kind: 'Secret',
      name: 's',
      namespace,
      type: 'Opaque',
      labels: {},
      annotations: {},
      ...decodeSecretData({v: bytes.toString('base64')}),
    });
    let pairs = 0;
    for (const a of values) {
      for (const b of values) {
        const report = diffLocations(loc('x'), loc('y'), [secret('x', a)], [secret('y', b)], {
          kinds: ['Secret'],
          showSecrets: false,
          salt: 's',
        });
        const identical = report.objects[0].status === 'identical';
        expect(identical, `${JSON.stringify(a.toString('latin1'))} vs ${JSON.stringify(b.toString('latin1'))}`).toBe(a.equals(b));
        pairs++;
      }
    }
    expect(pairs).toBe(values.length ** 2);
  });
});
