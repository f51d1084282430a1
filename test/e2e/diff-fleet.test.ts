import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv2020} from 'ajv/dist/2020.js';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ARN_CONTEXT, list} from './diff-support.js';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, repoRoot, runCli, secret, uniqueName} from './support.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'diff-report.schema.json'), 'utf8'));
const validate = new Ajv2020({allErrors: true, strictRequired: false, allowUnionTypes: true}).compile(schema);

const dev = uniqueName('fleet-dev');
const staging = uniqueName('fleet-stg');
const prod = uniqueName('fleet-prod');
const cleanups: Array<() => Promise<void>> = [];
let arn: {path: string; cleanup: () => void};

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', dev, staging));
  cleanups.push(await createNamespaces('beta', prod));
  await apply(
    'alpha',
    list(
      configMap(dev, 'app-config', {LOG_LEVEL: 'debug', TZ: 'UTC'}),
      configMap(dev, 'common', {A: '1'}),
      configMap(dev, 'dev-only', {X: '1'}),
      secret(dev, 'api-key', {token: 'tok-shared'}),
      configMap(staging, 'app-config', {LOG_LEVEL: 'info', TZ: 'UTC'}),
      configMap(staging, 'common', {A: '1'}),
      secret(staging, 'api-key', {token: 'tok-shared'}),
    ),
  );
  await apply(
    'beta',
    list(
      configMap(prod, 'app-config', {LOG_LEVEL: 'info', TZ: 'UTC'}),
      configMap(prod, 'common', {A: '1'}),
      secret(prod, 'api-key', {token: 'tok-prod-only'}),
    ),
  );
  arn = kubeconfigWith([{name: ARN_CONTEXT, like: 'beta', namespace: prod}]);
});

afterAll(async () => {
  arn.cleanup();
  for (const cleanup of cleanups) await cleanup();
});

describe('diff with three or more locations (fleet matrix)', () => {
  it('--baseline compares every other location with one, path by path; --full-values prints values whole', async () => {
    const args = [
      'diff',
      `alpha/${dev}`,
      `alpha/${staging}`,
      `beta/${prod}`,
      '--kind',
      'configmaps,secrets',
      '--baseline',
      `alpha/${staging}`,
    ];
    const table = await runCli(args);
    expect(table.code, table.stderr).toBe(1);
    expect(table.stdout).toContain(`Values against the baseline 2* alpha/${staging}:`);
    // Each other value as a sync from the baseline would change it: now → after.
    expect(table.stdout).toContain('  configmap/app-config LOG_LEVEL\n    A  ~ debug → info\n    B  info  (the baseline)\n');
    expect(table.stdout).not.toContain('tok-');
    const json = await runCli([...args, '-o', 'json']);
    const report = JSON.parse(json.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.againstBaseline.map((r: any) => r.target.namespace)).toEqual([dev, prod]);
    const wrong = await runCli([...args.slice(0, -1), 'nowhere/else']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: --baseline: "nowhere\/else" is not one of the locations/);
    const two = await runCli(['diff', `alpha/${dev}`, `alpha/${staging}`, '--baseline', `alpha/${dev}`]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/--baseline applies to three or more locations/);
  });

  it('prints a matrix of group letters and exits 1 when a row disagrees', async () => {
    const result = await runCli(['diff', `alpha/${dev}`, `alpha/${staging}`, `beta/${prod}`, '--kind', 'configmaps,secrets']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toContain('ConfigMaps and Secrets across 3 locations\n');
    expect(out).toContain(`Locations:\n  1 alpha/${dev}   2 alpha/${staging}   3 beta/${prod}\n`);
    expect(out).toContain('Summary: total 4 · identical 1 · different 3 · keys that disagree 3');
    expect(out).toMatch(/^OBJECT \/ KEY +1 2 3 {2}STATUS$/m);
    expect(out).toMatch(/^configmap\/common +A A A {2}identical \(1 key\)$/m);
    expect(out).toMatch(/^ {2}LOG_LEVEL +A B B {2}different$/m);
    // An object absent in two locations is one row: no key rows, no value lines.
    expect(out).toMatch(/^configmap\/dev-only +A - - {2}different \(absent in 2, 3\)$/m);
    expect(out).not.toMatch(/^ {2}X /m);
    expect(out).toMatch(/^ {2}token +A A B {2}different$/m);
    expect(out).toContain('  configmap/app-config LOG_LEVEL\n    A  debug\n    B  info\n');
    expect(out).toMatch(/ {2}secret\/api-key token\n {4}A {2}\*\*\* \([0-9a-f]{8}\)\n {4}B {2}\*\*\* \([0-9a-f]{8}\)\n/);
    expect(out).not.toContain('tok-');
  });

  it('prints a versioned FleetReport for -o json that matches the schema', async () => {
    const result = await runCli(['diff', `alpha/${dev}`, `alpha/${staging}`, `beta/${prod}`, '-o', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({
      apiVersion: 'configsync.kubectl.dev/v1alpha1',
      kind: 'FleetReport',
      summary: {locations: 3, total: 3, identical: 1, different: 2},
    });
    expect(report.locations.map((l: {namespace: string}) => l.namespace)).toEqual([dev, staging, prod]);
  });

  it('exits 0 when the fleet agrees, with NAME arguments after the locations and ARN-like contexts', async () => {
    const result = await runCli(['diff', `alpha/${dev}`, `alpha/${staging}`, ARN_CONTEXT, 'common', '-q'], {env: {KUBECONFIG: arn.path}});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`across 3 locations\n`);
    expect(result.stdout).toContain('Summary: total 1 · identical 1 · different 0 · keys that disagree 0');
  });

  it('takes bare namespaces of the current context as locations, and never exits 1 for ignored rows', async () => {
    const result = await runCli([
      'diff',
      dev,
      staging,
      `beta/${prod}`,
      'configmap/app-config',
      '--context',
      'alpha',
      '--ignore-key',
      'LOG_LEVEL',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({total: 1, identical: 1, ignoredKeys: 1});
  });

  it('rejects the same location twice and --from/--to flags', async () => {
    const twice = await runCli(['diff', `alpha/${dev}`, `alpha/${staging}`, `alpha/${dev}`]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^error: "alpha\/fleet-dev-\w+" and "alpha\/fleet-dev-\w+" are the same place/);
    const flags = await runCli(['diff', `alpha/${dev}`, `alpha/${staging}`, `beta/${prod}`, '--from-context', 'alpha']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/apply to two locations/);
  });
});

describe('a fleet of 14 locations (namespaces across alpha and beta) at 120 columns', () => {
  const fleet = Array.from({length: 14}, (_, i) => ({context: i < 7 ? 'alpha' : 'beta', namespace: uniqueName(`fl14-${i + 1}`)}));
  const words = fleet.map((l) => `${l.context}/${l.namespace}`);
  const fleetCleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    for (const context of ['alpha', 'beta']) {
      const namespaces = fleet.filter((l) => l.context === context).map((l) => l.namespace);
      fleetCleanups.push(await createNamespaces(context, ...namespaces));
      await apply(
        context,
        list(
          ...fleet.flatMap((l, i) =>
            l.context !== context
              ? []
              : [
                  configMap(l.namespace, 'checkout-service-configuration', {
                    LOG_LEVEL: i === 3 ? 'debug' : 'info',
                    PAYMENTS_PROVIDER_ENDPOINT_URL: `https://payments.example.internal/api/v2/${i === 10 ? 'eu' : 'global'}/charge`,
                    TZ: 'UTC',
                  }),
                  // Missing in location 9: one row, not a row per key.
                  ...(i === 8 ? [] : [configMap(l.namespace, 'feature-flags', {NEW_CART: 'true', DARK_MODE: 'false', BETA_SEARCH: 'on'})]),
                ],
          ),
        ),
      );
    }
  });
  afterAll(async () => {
    for (const cleanup of fleetCleanups) await cleanup();
  });

  it('numbers the locations, lists one row per differing key, and fits the terminal', async () => {
    const result = await runCli(['diff', ...words], {env: {COLUMNS: '120'}});
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(120);
    expect(result.stdout).toContain('ConfigMaps across 14 locations\n');
    expect(result.stdout).toContain(` 1 alpha/${fleet[0].namespace}`);
    expect(result.stdout).toContain(`14 beta/${fleet[13].namespace}`);
    expect(result.stdout).toMatch(/^OBJECT \/ KEY +1 2 3 4 5 6 7 8 9 10 11 12 13 14 {2}STATUS$/m);
    expect(result.stdout).toMatch(
      /^configmap\/checkout-service-configuration +A A A B A A A A A A {2}C {2}A {2}A {2}A {3}different \(2 of 3 keys differ\)$/m,
    );
    expect(result.stdout).toMatch(/^ {2}LOG_LEVEL +A A A B A A A A A A {2}A {2}A {2}A {2}A {3}different$/m);
    expect(result.stdout).toMatch(/^configmap\/feature-flags +A A A A A A A A - A {2}A {2}A {2}A {2}A {3}different \(absent in 9\)$/m);
    expect(result.stdout).not.toMatch(/^ {2}(NEW_CART|DARK_MODE|BETA_SEARCH|TZ) /m);
    expect(result.stdout).toContain('    B  https://payments.example.internal/api/v2/eu/charge\n');
    // A 14-location matrix in 16 lines or so, not hundreds.
    expect(lines.length).toBeLessThan(40);
  });

  it('--baseline prints each other value as the change a sync from the baseline would make', async () => {
    const result = await runCli(['diff', ...words, '--baseline', words[0]], {env: {COLUMNS: '80'}});
    expect(result.code, result.stderr).toBe(1);
    for (const line of result.stdout.trimEnd().split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(result.stdout).toContain(`Values against the baseline 1* alpha/${fleet[0].namespace}:`);
    expect(result.stdout).toContain('    A  info  (the baseline)\n    B  ~ debug → info\n');
    expect(result.stdout).toMatch(/ {4}B {2}~ …\S*\/eu\/charge → …\S*\/global\/charge\n/);
  });
});
