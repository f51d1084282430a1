import {createHash, createHmac, randomBytes} from 'node:crypto';
import type {ConfigObject} from './types.js';

/** Plain SHA-256: only for what is not Secret content (ConfigMap data, names, files we ship). */
export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

let randomSalt: string | undefined;

/**
 * The salt of this run: KUBECTL_CONFIGSYNC_SALT when the user pins one (to compare
 * fingerprints across runs), otherwise 32 random bytes made once per process and never written anywhere.
 */
export function runSalt(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KUBECTL_CONFIGSYNC_SALT) return env.KUBECTL_CONFIGSYNC_SALT;
  randomSalt ??= randomBytes(32).toString('hex');
  return randomSalt;
}

/**
 * A short keyed hash (HMAC-SHA256) of a secret value: equal values get equal
 * fingerprints within one salt, yet without the salt no table of hashes and no
 * dictionary can be tried against it.
 */
export function fingerprint(value: string | Buffer, salt: string): string {
  return createHmac('sha256', salt).update(value).digest('hex').slice(0, 8);
}

/** Names a salt without revealing it, so two keyed checksums can be told comparable or not. */
export function saltId(salt: string): string {
  return createHmac('sha256', salt).update('kubectl-configsync salt id').digest('hex').slice(0, 8);
}

/**
 * A checksum of an object's data and binaryData, independent of key order.
 * ConfigMaps: `sha256:HEX`. Secrets: `hmac-sha256:SALTID:HEX`, keyed by the salt,
 * so nothing that leaves the process can be looked up against guessed values.
 */
export function dataChecksum(object: Pick<ConfigObject, 'kind' | 'data' | 'binaryData'>, salt: string = runSalt()): string {
  const keyed = object.kind === 'Secret';
  const hash = keyed ? createHmac('sha256', salt) : createHash('sha256');
  for (const [section, record] of [
    ['data', object.data],
    ['binaryData', object.binaryData],
  ] as const) {
    for (const key of Object.keys(record).sort()) {
      hash.update(`${section}\0${key}\0${record[key]}\0`);
    }
  }
  return keyed ? `hmac-sha256:${saltId(salt)}:${hash.digest('hex')}` : `sha256:${hash.digest('hex')}`;
}

/** Two checksums can be compared when both are plain, or both keyed with the same salt. */
export function checksumsComparable(a: string, b: string): boolean {
  const scheme = (c: string) => (c.startsWith('hmac-sha256:') ? c.split(':').slice(0, 2).join(':') : c.split(':')[0]);
  return scheme(a) === scheme(b);
}

/** The keyed checksum of any object's data (what a Secret's checksum always is), for binding plans to values. */
export function saltedDataChecksum(object: Pick<ConfigObject, 'data' | 'binaryData'>, salt: string): string {
  return dataChecksum({...object, kind: 'Secret'}, salt);
}
