import {createHash, createHmac} from 'node:crypto';
import type {ConfigObject} from './types.js';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A short keyed hash of a secret value: equal values get equal fingerprints
 * within one salt, yet the value cannot be looked up from a table of hashes.
 */
export function fingerprint(value: string, salt: string): string {
  return createHmac('sha256', salt).update(value).digest('hex').slice(0, 8);
}

/** dataChecksum keyed with a salt: for Secrets, whose bare digests must not leave the process. */
export function saltedDataChecksum(object: Pick<ConfigObject, 'data' | 'binaryData'>, salt: string): string {
  return `hmac-sha256:${createHmac('sha256', salt).update(dataChecksum(object)).digest('hex')}`;
}

/** A checksum of an object's data and binaryData, independent of key order. */
export function dataChecksum(object: Pick<ConfigObject, 'data' | 'binaryData'>): string {
  const hash = createHash('sha256');
  for (const [section, record] of [['data', object.data], ['binaryData', object.binaryData]] as const) {
    for (const key of Object.keys(record).sort()) {
      hash.update(`${section}\0${key}\0${record[key]}\0`);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}
