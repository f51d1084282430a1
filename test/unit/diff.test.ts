import {describe, expect, it} from 'vitest';
import {diffLocations, hasDifferences, isPlatformObject, maskedPath, type DiffReport, type KeyDiff} from '../../src/core/diff.js';
import {checksumsComparable, dataChecksum, fingerprint, sha256} from '../../src/core/fingerprint.js';
import {cm, IGNORE, loc, PROD, prodObjects, SALT, sec, STAGING, stagingObjects} from './diff-fixtures.js';

const options = {kinds: ['ConfigMap', 'Secret'] as const, showSecrets: false, salt: SALT};

function report(extra: Partial<Parameters<typeof diffLocations>[4]> = {}): DiffReport {
  return diffLocations(STAGING, PROD, stagingObjects(), prodObjects(), {...options, kinds: [...options.kinds], ...extra});
}

function keyOf(r: DiffReport, name: string, key: string): KeyDiff {
  const found = r.objects.find((o) => o.name === name)?.keys.find((k) => k.key === key);
  if (!found) throw new Error(`no ${name}/${key}`);
  return found;
}

describe('diffLocations', () => {
  it('gives every object a status and sorts ConfigMaps before Secrets, by name', () => {
    const r = report();
    expect(r.objects.map((o) => [o.kind, o.name, o.status])).toEqual([
      ['ConfigMap', 'app-config', 'different'],
      ['ConfigMap', 'common', 'identical'],
      ['ConfigMap', 'dev-local', 'different'],
      ['ConfigMap', 'kube-root-ca.crt', 'missing-in-target'],
      ['ConfigMap', 'only-in-prod', 'missing-in-source'],
      ['ConfigMap', 'only-in-staging', 'missing-in-target'],
      ['Secret', 'db-credentials', 'different'],
      ['Secret', 'tls', 'different'],
    ]);
    expect(r.summary).toEqual({
      total: 8,
      identical: 1,
      different: 4,
      missingInTarget: 2,
      missingInSource: 1,
      ignoredObjects: 0,
      ignoredKeys: 0,
    });
    expect(hasDifferences(r)).toBe(true);
  });

  it('gives every key a status', () => {
    const r = report();
    expect(keyOf(r, 'app-config', 'REPLICAS').status).toBe('identical');
    expect(keyOf(r, 'app-config', 'LOG_LEVEL')).toMatchObject({
      status: 'different',
      source: {value: 'debug', size: 5},
      target: {value: 'info', size: 4},
    });
    expect(keyOf(r, 'app-config', 'FEATURE_NEW_CART')).toMatchObject({status: 'missing-in-target', source: {value: 'true'}});
    expect(keyOf(r, 'app-config', 'FEATURE_NEW_CART').target).toBeUndefined();
    expect(keyOf(r, 'app-config', 'NEW_IN_PROD')).toMatchObject({status: 'missing-in-source', target: {value: 'yes'}});
    expect(keyOf(r, 'app-config', 'NEW_IN_PROD').source).toBeUndefined();
  });

  it('reports an identical pair with no differences and exit-code-0 semantics', () => {
    const r = diffLocations(STAGING, PROD, [cm('staging', 'a', {K: 'v'})], [cm('prod', 'a', {K: 'v'})], {...options, kinds: ['ConfigMap']});
    expect(r.summary).toMatchObject({total: 1, identical: 1, different: 0});
    expect(hasDifferences(r)).toBe(false);
    expect(diffLocations(STAGING, PROD, [], [], {...options, kinds: ['ConfigMap']}).summary.total).toBe(0);
  });

  it('adds path-level changes for YAML, JSON, .properties and .env values', () => {
    const r = report();
    expect(keyOf(r, 'app-config', 'app.yaml')).toMatchObject({
      format: 'yaml',
      changes: [
        {path: 'cache.enabled', change: 'changed', old: 'true', new: 'false'},
        {path: 'server.port', change: 'changed', old: '9090', new: '8080'},
      ],
    });
    expect(keyOf(r, 'app-config', 'settings.json')).toMatchObject({
      format: 'json',
      changes: [{path: 'features.cart'}, {path: 'limits[1]', old: '20', new: '50'}],
    });
    expect(keyOf(r, 'app-config', 'application.properties')).toMatchObject({
      format: 'properties',
      changes: [{path: 'payments.endpoint'}, {path: 'retry.max', old: '5', new: '3'}],
    });
    expect(keyOf(r, 'app-config', 'app.env')).toMatchObject({format: 'env', changes: [{path: 'MODE', old: 'staging', new: 'prod'}]});
    expect(keyOf(r, 'app-config', 'nginx.conf').format).toBeUndefined();
  });

  it('compares binaryData by size and SHA-256 and never carries the bytes', () => {
    const r = report();
    const logo = keyOf(r, 'app-config', 'logo.png');
    expect(logo).toMatchObject({section: 'binaryData', status: 'different', source: {size: 8}, target: {size: 8}});
    expect(logo.source?.sha256).toBe(sha256(Buffer.from(stagingObjects()[0].binaryData['logo.png'], 'base64')));
    expect(logo.source?.value).toBeUndefined();
    expect(logo.changes).toBeUndefined();
    expect(keyOf(r, 'app-config', 'favicon.ico').status).toBe('identical');
  });

  it('masks Secret values with a salted fingerprint, equal for equal values', () => {
    const r = report();
    const username = keyOf(r, 'db-credentials', 'username');
    const password = keyOf(r, 'db-credentials', 'password');
    expect(username).toMatchObject({status: 'identical', source: {masked: true, size: 3}, target: {masked: true, size: 3}});
    expect(username.source?.value).toBeUndefined();
    expect(username.source?.fingerprint).toBe(username.target?.fingerprint);
    expect(username.source?.fingerprint).toBe(fingerprint('app', SALT));
    expect(password.source?.fingerprint).not.toBe(password.target?.fingerprint);
    expect(password.source?.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    // Path-level changes inside a Secret say that something changed, never what or where: keys inside are secret too.
    expect(keyOf(r, 'db-credentials', 'config.json').changes).toEqual([
      {path: maskedPath('password', SALT), change: 'changed'},
      {path: maskedPath('pool.max', SALT), change: 'changed'},
    ]);
    expect(maskedPath('pool.max', SALT)).toMatch(/^\*\*\* \([0-9a-f]{8}\)$/);
    const text = JSON.stringify(r);
    for (const secretValue of ['s3cret-staging', 's3cret-prod', '"x1"', 'pool\\": {\\"max', 'pool.max'])
      expect(text).not.toContain(secretValue);
  });

  it('changes fingerprints with the salt, so they cannot be looked up across runs', () => {
    expect(fingerprint('app', 'one')).not.toBe(fingerprint('app', 'two'));
  });

  it('prints Secret values with showSecrets', () => {
    const r = report({showSecrets: true});
    expect(r.secretsShown).toBe(true);
    expect(keyOf(r, 'db-credentials', 'password')).toMatchObject({source: {value: 's3cret-staging'}, target: {value: 's3cret-prod'}});
    expect(keyOf(r, 'db-credentials', 'config.json').changes).toContainEqual({path: 'pool.max', change: 'changed', old: '5', new: '9'});
  });

  it('reports a Secret type change', () => {
    const tls = report().objects.find((o) => o.name === 'tls')!;
    expect(tls).toMatchObject({status: 'different', typeChange: {source: 'Opaque', target: 'kubernetes.io/tls'}});
    expect(tls.keys.every((k) => k.status === 'identical')).toBe(true);
  });

  it('keeps ignored keys and objects out of the verdict and counts them apart', () => {
    const r = report({ignore: IGNORE});
    expect(keyOf(r, 'app-config', 'DB_HOST')).toMatchObject({status: 'different', ignored: true});
    expect(keyOf(r, 'app-config', 'LOG_LEVEL').ignored).toBe(false);
    expect(r.objects.find((o) => o.name === 'dev-local')?.ignored).toBe(true);
    expect(r.summary).toMatchObject({total: 7, ignoredObjects: 1, ignoredKeys: 1});

    const onlyIgnored = diffLocations(
      STAGING,
      PROD,
      [cm('staging', 'a', {DB_HOST: 'x', K: 'v'})],
      [cm('prod', 'a', {DB_HOST: 'y', K: 'v'})],
      {...options, kinds: ['ConfigMap'], ignore: IGNORE},
    );
    expect(onlyIgnored.objects[0].status).toBe('identical');
    expect(onlyIgnored.summary).toMatchObject({identical: 1, different: 0, ignoredKeys: 1});
    expect(hasDifferences(onlyIgnored)).toBe(false);
  });

  it('records checksums and resourceVersions of both sides', () => {
    const common = report().objects.find((o) => o.name === 'common')!;
    expect(common.source).toEqual({
      resourceVersion: '1',
      checksum: dataChecksum({kind: 'ConfigMap', data: {TZ: 'UTC', LANG: 'en_US.UTF-8'}, binaryData: {}}),
    });
    expect(common.source?.checksum).toBe(common.target?.checksum);
  });

  it('keeps the report identical for identical input (deterministic)', () => {
    expect(JSON.stringify(report())).toBe(JSON.stringify(report()));
  });
});

describe('isPlatformObject', () => {
  it('knows the objects the platform puts in every namespace', () => {
    expect(isPlatformObject(cm('x', 'kube-root-ca.crt', {}))).toBe(true);
    expect(isPlatformObject(cm('x', 'app', {}))).toBe(false);
    expect(isPlatformObject(sec('x', 'default-token-abc', {}, 'kubernetes.io/service-account-token'))).toBe(true);
    expect(isPlatformObject(sec('x', 'sh.helm.release.v1.web.v3', {}, 'helm.sh/release.v1'))).toBe(true);
    expect(isPlatformObject(sec('x', 'db', {}))).toBe(false);
  });
});

describe('dataChecksum', () => {
  it('does not depend on key order and tells data from binaryData', () => {
    expect(dataChecksum({kind: 'ConfigMap', data: {a: '1', b: '2'}, binaryData: {}})).toBe(
      dataChecksum({kind: 'ConfigMap', data: {b: '2', a: '1'}, binaryData: {}}),
    );
    expect(dataChecksum({kind: 'ConfigMap', data: {a: 'AQ=='}, binaryData: {}})).not.toBe(
      dataChecksum({kind: 'ConfigMap', data: {}, binaryData: {a: 'AQ=='}}),
    );
  });

  it("keys a Secret's checksum by the salt: no plain digest of Secret data, comparable only under one salt", () => {
    const secret = {kind: 'Secret' as const, data: {pin: '4711'}, binaryData: {}};
    const plain = `sha256:${sha256('data\x00pin\x004711\x00')}`;
    const one = dataChecksum(secret, 'salt-one');
    expect(one).toMatch(/^hmac-sha256:[0-9a-f]{8}:[0-9a-f]{64}$/);
    expect(one).not.toContain(plain.slice(7));
    expect(dataChecksum(secret, 'salt-one')).toBe(one);
    const two = dataChecksum(secret, 'salt-two');
    expect(two).not.toBe(one);
    expect(checksumsComparable(one, dataChecksum({...secret, data: {pin: '0000'}}, 'salt-one'))).toBe(true);
    expect(checksumsComparable(one, two)).toBe(false);
    expect(checksumsComparable(one, dataChecksum({...secret, kind: 'ConfigMap'}))).toBe(false);
  });
});

it('uses the location it was given', () => {
  expect(diffLocations(loc('a', 'x'), loc('b', 'y'), [], [], {...options, kinds: ['ConfigMap']})).toMatchObject({
    source: {context: 'a'},
    target: {context: 'b'},
    apiVersion: 'configsync.kubectl.dev/v1alpha1',
    kind: 'DiffReport',
  });
});

it('always states whether secrets are shown, even when the flag was not given', () => {
  const r = diffLocations(STAGING, PROD, [], [], {kinds: ['ConfigMap'], salt: SALT} as unknown as Parameters<typeof diffLocations>[4]);
  expect(JSON.parse(JSON.stringify(r)).secretsShown).toBe(false);
});
