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
    expect(table.stdout).toContain(`Against the baseline alpha/${staging}:`);
    expect(table.stdout).toContain(`ConfigMaps and Secrets: alpha/${staging} → alpha/${dev}`);
    expect(table.stdout).toContain(`ConfigMaps and Secrets: alpha/${staging} → beta/${prod}`);
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
    expect(out).toContain(`ConfigMaps and Secrets across 3 locations: alpha/${dev}, alpha/${staging}, beta/${prod}`);
    expect(out).toContain('Summary: total 4 · identical 1 · different 3 · keys that disagree 3');
    expect(out).toMatch(/^OBJECT \/ KEY +alpha\/fleet-dev-\w+ +alpha\/fleet-stg-\w+ +beta\/fleet-prod-\w+ +STATUS$/m);
    expect(out).toMatch(/^configmap\/common +A +A +A +identical \(1 key\)$/m);
    expect(out).toMatch(/^ {2}LOG_LEVEL +A +B +B +different$/m);
    expect(out).toMatch(/^configmap\/dev-only +A +- +- +different \(1 of 1 key differs, absent in 2\)$/m);
    expect(out).toMatch(/^ {2}token +A +A +B +different$/m);
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
    expect(result.stdout).toContain(`across 3 locations: alpha/${dev}, alpha/${staging}, ${ARN_CONTEXT}/${prod}`);
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
