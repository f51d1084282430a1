// Whole-command output against the test bed, compared with golden files: the example
// environments (fixtures/environments) loaded into fresh namespaces, each command's stdout,
// stderr and exit code at 80 and 200 columns, with colour and without, with the namespace
// names, run ids and timings put back to fixed words.
// `npm run golden:update` rewrites the goldens; the tests only compare.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, it} from 'vitest';
import {expectGolden} from '../support/golden.js';
import {environments, load, normalise} from './golden-support.js';
import {container, list, workload} from './restart-support.js';
import {apply, createNamespaces, kubectl, runCli} from './support.js';

// Fixed names: table columns are as wide as what they hold, so names must not vary between runs.
const staging = 'golden-staging';
const prod = 'golden-prod';
/** A copy of prod that a real sync writes to, for the undo goldens (the others read prod as loaded). */
const undoTarget = 'golden-undo';
const state = mkdtempSync(join(tmpdir(), 'configsync-golden-state-'));
// Fixed so that salted fingerprints are the same in every run.
const baseEnv = {KUBECTL_CONFIGSYNC_SALT: 'golden-output-salt', XDG_STATE_HOME: state};
const cleanups: Array<() => Promise<void>> = [];

/** The widths and colour modes every command's golden is taken at. */
export const GOLDEN_VARIANTS = [80, 200].flatMap((columns) =>
  (['plain', 'color'] as const).map((colour) => ({columns, colour, suffix: `${columns}.${colour}`})),
);

async function run(args: string[], columns: number, colour: 'plain' | 'color') {
  const env = {...baseEnv, COLUMNS: String(columns), ...(colour === 'color' ? {NO_COLOR: undefined, FORCE_COLOR: '1'} : {})};
  return runCli(args, {env, cwd: environments});
}

async function golden(name: string, args: string[], variant?: {columns: number; colour: 'plain' | 'color'; suffix: string}): Promise<void> {
  const {columns, colour, suffix} = variant ?? {columns: 120, colour: 'plain' as const, suffix: undefined};
  const result = await run(args, columns, colour);
  const header = `$ kubectl configsync ${args.join(' ')}${suffix ? `   # COLUMNS=${columns}${colour === 'color' ? ', colour' : ''}` : ''}`;
  expectGolden(
    `commands/${name}${suffix ? `.${suffix}` : ''}.txt`,
    normalise(state, `${header}\n--- exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`),
  );
}

/** One golden per width and colour mode. */
function everyVariant(title: string, name: string, args: () => string[]): void {
  for (const variant of GOLDEN_VARIANTS)
    it(`${title} at ${variant.columns} columns, ${variant.colour}`, () => golden(name, args(), variant));
}

beforeAll(async () => {
  // An earlier run's namespaces may still be terminating.
  await kubectl([
    '--context',
    'alpha',
    'delete',
    'namespace',
    staging,
    prod,
    undoTarget,
    '--ignore-not-found',
    '--wait=true',
    '--timeout=120s',
  ]);
  await kubectl(['--context', 'beta', 'delete', 'namespace', prod, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  cleanups.push(await createNamespaces('alpha', staging, prod, undoTarget));
  cleanups.push(await createNamespaces('beta', prod));
  await apply('alpha', load('staging', staging));
  await apply('alpha', load('prod', prod));
  await apply('alpha', load('prod', undoTarget));
  // beta/golden-prod: prod, with one key drifted, the third location of the fleet matrix.
  await apply('beta', load('prod', prod).replace('LOG_LEVEL: info', 'LOG_LEVEL: warn'));
  // Readers of checkout-config: one by env (needs a restart), one by a volume without subPath (needs none).
  await apply(
    'alpha',
    list([
      workload('Deployment', prod, 'checkout', {containers: [container('app', {envFrom: [{configMapRef: {name: 'checkout-config'}}]})]}),
      workload('Deployment', prod, 'checkout-files', {
        volumes: [{name: 'conf', configMap: {name: 'checkout-config'}}],
        containers: [container('app', {volumeMounts: [{name: 'conf', mountPath: '/etc/checkout'}]})],
      }),
    ]),
  );
}, 240_000);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  rmSync(state, {recursive: true, force: true});
});

describe('whole-command output', () => {
  it('diff -o yaml', () => golden('diff-yaml', ['diff', `alpha/${staging}`, `alpha/${prod}`, '-o', 'yaml']));

  everyVariant('diff of the example environments', 'diff', () => ['diff', `alpha/${staging}`, `alpha/${prod}`]);
  everyVariant('fleet diff with a baseline', 'diff-fleet', () => [
    'diff',
    `alpha/${staging}`,
    `alpha/${prod}`,
    `beta/${prod}`,
    '--baseline',
    `alpha/${prod}`,
  ]);
  everyVariant('sync preview (--dry-run=client)', 'sync-dry-run', () => [
    'sync',
    `alpha/${staging}`,
    `alpha/${prod}`,
    '--all',
    '--yes',
    '--dry-run=client',
  ]);
  everyVariant('fanout preview (--dry-run=client)', 'fanout-dry-run', () => [
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
  ]);
  everyVariant('fanout status', 'fanout-status', () => [
    'fanout',
    'status',
    'configmap/checkout-config',
    '--context',
    'alpha',
    '-n',
    staging,
    '--to-namespace',
    prod,
    '--to-namespace',
    undoTarget,
  ]);
  everyVariant('restart dry run', 'restart-dry-run', () => [
    'restart',
    'configmap/checkout-config',
    '--context',
    'alpha',
    '-n',
    prod,
    '--dry-run=client',
  ]);
  everyVariant('a usage error', 'usage-error', () => ['diff', `alpha/${staging}`, '--bogus']);

  describe('undo', () => {
    let runId = '';
    beforeAll(async () => {
      // A real sync into the undo namespace writes the journal that undo lists and previews.
      const synced = await runCli(['sync', `alpha/${staging}`, `alpha/${undoTarget}`, '--all', '--yes', '-o', 'json'], {
        env: baseEnv,
        cwd: environments,
      });
      runId = JSON.parse(synced.stdout).runId as string;
    });
    everyVariant('undo --list', 'undo-list', () => ['undo', '--list']);
    everyVariant('undo --dry-run=client', 'undo-dry-run', () => ['undo', runId, '--dry-run=client', '--yes']);
  });
});
