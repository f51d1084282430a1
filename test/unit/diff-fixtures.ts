// In-memory objects for diff and fleet tests and the golden files: no cluster involved.
import {afterAll, beforeAll} from 'vitest';
import {saltForRun, selectObjects} from '../../src/actions/diff/compare.js';
import {diffLocations} from '../../src/core/diff.js';
import type {ConfigObject, Location} from '../../src/core/types.js';

export const SALT = 'golden-salt';

export function cm(namespace: string, name: string, data: Record<string, string>, binaryData: Record<string, string> = {}): ConfigObject {
  return {kind: 'ConfigMap', name, namespace, resourceVersion: '1', labels: {}, annotations: {}, data, binaryData};
}

export function sec(
  namespace: string,
  name: string,
  data: Record<string, string>,
  type = 'Opaque',
  binaryData: Record<string, string> = {},
): ConfigObject {
  return {kind: 'Secret', name, namespace, resourceVersion: '1', type, labels: {}, annotations: {}, data, binaryData};
}

export function loc(context: string, namespace: string): Location {
  return {context, namespace, label: `${context}/${namespace}`};
}

const png = (seed: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, seed, seed + 1, 0, 0xff]).toString('base64');

export const STAGING = loc('alpha', 'staging');
export const PROD = loc('beta', 'prod');

export function stagingObjects(): ConfigObject[] {
  const ns = 'staging';
  return [
    cm(
      ns,
      'app-config',
      {
        LOG_LEVEL: 'debug',
        DB_HOST: 'db.staging.internal',
        FEATURE_NEW_CART: 'true',
        REPLICAS: '2',
        'app.yaml': 'server:\n  port: 9090\n  timeoutSeconds: 30\ncache:\n  enabled: true\n  ttl: 300s\n',
        'application.properties': 'retry.max=5\nretry.backoff=200ms\npayments.endpoint=https://payments.staging.internal\n',
        'settings.json': '{"features": {"cart": true, "search": "v2"}, "limits": [10, 20]}',
        'nginx.conf': 'worker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n  gzip on;\n  server_tokens off;\n}\n',
        'app.env': 'MODE=staging\nWORKERS=4\n',
      },
      {'logo.png': png(1), 'favicon.ico': png(7)},
    ),
    cm(ns, 'common', {TZ: 'UTC', LANG: 'en_US.UTF-8'}),
    cm(ns, 'only-in-staging', {A: '1'}),
    cm(ns, 'dev-local', {X: 'staging'}),
    cm(ns, 'kube-root-ca.crt', {'ca.crt': 'CERT'}),
    sec(ns, 'db-credentials', {username: 'app', password: 's3cret-staging', 'config.json': '{"pool": {"max": 5}, "password": "x1"}'}),
    sec(ns, 'tls', {'tls.crt': 'C', 'tls.key': 'K'}, 'Opaque'),
  ];
}

export function prodObjects(): ConfigObject[] {
  const ns = 'prod';
  return [
    cm(
      ns,
      'app-config',
      {
        LOG_LEVEL: 'info',
        DB_HOST: 'db.prod.internal',
        REPLICAS: '2',
        NEW_IN_PROD: 'yes',
        'app.yaml': 'server:\n  port: 8080\n  timeoutSeconds: 30\ncache:\n  enabled: false\n  ttl: 300s\n',
        'application.properties': 'retry.max=3\nretry.backoff=200ms\npayments.endpoint=https://payments.prod.internal\n',
        'settings.json': '{"features": {"cart": false, "search": "v2"}, "limits": [10, 50]}',
        'nginx.conf': 'worker_processes 4;\nevents { worker_connections 1024; }\nhttp {\n  gzip on;\n  server_tokens off;\n}\n',
        'app.env': 'MODE=prod\nWORKERS=4\n',
      },
      {'logo.png': png(2), 'favicon.ico': png(7)},
    ),
    cm(ns, 'common', {LANG: 'en_US.UTF-8', TZ: 'UTC'}),
    cm(ns, 'only-in-prod', {B: '2'}),
    cm(ns, 'dev-local', {X: 'prod'}),
    sec(ns, 'db-credentials', {username: 'app', password: 's3cret-prod', 'config.json': '{"pool": {"max": 9}, "password": "x2"}'}),
    sec(ns, 'tls', {'tls.crt': 'C', 'tls.key': 'K'}, 'kubernetes.io/tls'),
  ];
}

export const IGNORE = {keys: ['DB_HOST', '*.endpoint'], objects: ['*-local']};

/** Four locations of one fleet: dev and staging agree, the two prods drift. */
export const FLEET_LOCATIONS = [
  loc('alpha', 'dev'),
  loc('alpha', 'staging'),
  loc('arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'web'),
  loc('beta', 'web'),
];

export function fleetObjects(): ConfigObject[][] {
  const base = {LOG_LEVEL: 'info', TZ: 'UTC', DB_HOST: 'db.dev'};
  return [
    [
      cm('dev', 'app-config', {...base}),
      cm('dev', 'common', {A: '1'}),
      sec('dev', 'api-key', {token: 'abc'}),
      cm('dev', 'dev-only', {X: '1'}),
    ],
    [
      cm('staging', 'app-config', {...base, DB_HOST: 'db.staging'}),
      cm('staging', 'common', {A: '1'}),
      sec('staging', 'api-key', {token: 'abc'}),
    ],
    [
      cm('web', 'app-config', {...base, LOG_LEVEL: 'warn', DB_HOST: 'db.eu'}),
      cm('web', 'common', {A: '1'}),
      sec('web', 'api-key', {token: 'xyz'}),
    ],
    [
      cm('web', 'app-config', {...base, LOG_LEVEL: 'debug', DB_HOST: 'db.us', EXTRA: 'x'}),
      cm('web', 'common', {A: '1'}, {'blob.bin': png(3)}),
      sec('web', 'api-key', {token: 'abc'}),
    ],
  ];
}

/**
 * Fingerprints keyed with SALT for the tests of this file (as CI would set
 * KUBECTL_CONFIGSYNC_SALT), restored after.
 */
export function useFixtureSalt(): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.KUBECTL_CONFIGSYNC_SALT;
    process.env.KUBECTL_CONFIGSYNC_SALT = SALT;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.KUBECTL_CONFIGSYNC_SALT;
    else process.env.KUBECTL_CONFIGSYNC_SALT = saved;
  });
}

/** staging → prod, ConfigMaps and Secrets, with the fixture ignore rules. */
export function twoWayReport() {
  const pick = (objects: ConfigObject[]) => selectObjects(objects, [], false);
  return diffLocations(STAGING, PROD, pick(stagingObjects()), pick(prodObjects()), {
    kinds: ['ConfigMap', 'Secret'],
    showSecrets: false,
    salt: saltForRun(),
    ignore: IGNORE,
  });
}
