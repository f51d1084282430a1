// Whole-command output against the test bed, compared with golden files: the example
// environments (fixtures/environments) loaded into fresh namespaces, each command's stdout,
// stderr and exit code, with the namespace names, run ids and timings put back to fixed words.
// `npm run golden:update` rewrites the goldens; the tests only compare.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, it} from 'vitest';
import {expectGolden} from '../support/golden.js';
import {apply, createNamespaces, kubectl, repoRoot, runCli} from './support.js';

// Fixed names: table columns are as wide as what they hold, so names must not vary between runs.
const staging = 'golden-staging';
const prod = 'golden-prod';
const environments = join(repoRoot, 'fixtures', 'environments');
// Fixed so that salted fingerprints are the same in every run.
const env = {KUBECTL_CONFIGSYNC_SALT: 'golden-output-salt', COLUMNS: '120'};
let cleanup: () => Promise<void>;

function load(environment: 'staging' | 'prod', namespace: string): string {
  return ['configmaps.yaml', 'secrets.yaml']
    .map((file) => readFileSync(join(environments, environment, file), 'utf8'))
    .join('\n---\n')
    .replaceAll(`namespace: ${environment}`, `namespace: ${namespace}`);
}

/** The output with what changes from run to run replaced by fixed words. */
function normalise(text: string): string {
  return text
    .replaceAll(repoRoot, '<repo>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'UID')
    .replace(/(resourceVersion"?: )(['"])\d+\2/g, '$1$2RV$2')
    .replace(/\b\d{8}T\d{6}Z?-[0-9a-f]{4,}\b/g, 'RUN-ID')
    .replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, 'TIME');
}

async function golden(name: string, args: string[]): Promise<void> {
  const result = await runCli(args, {env, cwd: environments});
  expectGolden(
    `commands/${name}.txt`,
    normalise(`$ kubectl configsync ${args.join(' ')}\n--- exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`),
  );
}

beforeAll(async () => {
  // An earlier run's namespaces may still be terminating.
  await kubectl(['--context', 'alpha', 'delete', 'namespace', staging, prod, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  cleanup = await createNamespaces('alpha', staging, prod);
  await apply('alpha', load('staging', staging));
  await apply('alpha', load('prod', prod));
});
afterAll(async () => cleanup?.());

describe('whole-command output', () => {
  it('diff of the example environments', () => golden('diff', ['diff', `alpha/${staging}`, `alpha/${prod}`]));
  it('diff -o yaml', () => golden('diff-yaml', ['diff', `alpha/${staging}`, `alpha/${prod}`, '-o', 'yaml']));
  it('sync preview (--dry-run=client)', () =>
    golden('sync-dry-run', ['sync', `alpha/${staging}`, `alpha/${prod}`, '--all', '--yes', '--dry-run=client']));
  it('fanout preview (--dry-run=client)', () =>
    golden('fanout-dry-run', [
      'fanout',
      'configmap/checkout-config',
      '--context',
      'alpha',
      '-n',
      staging,
      '--to-namespace',
      prod,
      '--on-conflict',
      'overwrite',
      '--dry-run=client',
      '--yes',
    ]));
  it('a usage error', () => golden('usage-error', ['diff', `alpha/${staging}`, '--bogus']));
});
