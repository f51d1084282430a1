// A dry run persists nothing (#17): every command that takes --dry-run, in both modes, leaves the
// state directory (run journals) byte for byte as it was, leaves the clusters as they were, and
// says what it would do, never that it did.
import {createHash} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectl, kubectlJson, runCli, uniqueName, type RunResult} from './support.js';
import {container, list, workload} from './restart-support.js';
import {claimsDone} from '../support/honest-words.js';

const p = uniqueName('dryrun');
const [src, dst, t1, t2] = ['src', 'dst', 't1', 't2'].map((s) => `${p}-${s}`);
const label = `${p}=yes`;
const work = mkdtempSync(join(tmpdir(), 'configsync-dry-run-'));
const stateHome = join(work, 'state');
const runsDir = join(stateHome, 'kubectl-configsync', 'runs');
const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
  runCli(args, {...options, env: {XDG_STATE_HOME: stateHome, ...options.env}});

/** Every file and directory under the state home: mode, size, content hash and mtime. */
function stateSnapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    const stat = statSync(path);
    const name = relative(stateHome, path) || '.';
    if (stat.isDirectory()) {
      out[name] = `dir ${(stat.mode & 0o777).toString(8)} ${stat.mtimeMs}`;
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else {
      const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
      out[name] = `file ${(stat.mode & 0o777).toString(8)} ${stat.size} ${hash} ${stat.mtimeMs}`;
    }
  };
  walk(stateHome);
  return out;
}

/** What a write would change in our namespaces: each object's resourceVersion and data, each workload's template. */
async function clusterSnapshot(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const namespace of [src, dst, t1, t2]) {
    const items: any[] = (await kubectlJson(['--context', 'alpha', '-n', namespace, 'get', 'configmaps,secrets,deployments'])).items;
    for (const item of items) {
      if (item.kind === 'ConfigMap' && item.metadata.name === 'kube-root-ca.crt') continue;
      // A controller another test runs with --from-annotations may copy the Kubed-annotated source at any time.
      if (item.metadata.name === 'annotated' && namespace !== src) continue;
      // A Deployment's status and resourceVersion move with its controller; its template moves only with a restart.
      out[`${namespace}/${item.kind}/${item.metadata.name}`] =
        item.kind === 'Deployment'
          ? {generation: item.metadata.generation, template: item.spec.template}
          : {resourceVersion: item.metadata.resourceVersion, data: item.data ?? {}};
    }
  }
  return out;
}

const reads = (key: string) => ({containers: [container('web', {env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'app', key}}}]})]});

describe('a dry run persists nothing', () => {
  let cleanup: () => Promise<void>;
  let planFile: string;
  let runIds: string[];

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst, t1, t2);
    await kubectl(['--context', 'alpha', 'label', 'namespace', t1, t2, label]);
    await apply(
      'alpha',
      list([
        JSON.parse(configMap(src, 'app', {a: '1', b: 'new', c: 'added'})),
        JSON.parse(configMap(src, 'ca', {'ca.crt': 'one'})),
        JSON.parse(configMap(dst, 'app', {a: '1', b: 'old', gone: 'x'})),
        workload('Deployment', dst, 'reads-b', reads('b')),
        workload('Deployment', dst, 'reads-a', reads('a')),
      ]),
    );
    // A Kubed-annotated source, for --from-annotations.
    await kubectl(['--context', 'alpha', '-n', src, 'create', 'configmap', 'annotated', '--from-literal=x=1']);
    await kubectl(['--context', 'alpha', '-n', src, 'annotate', 'configmap', 'annotated', `kubed.appscode.com/sync=${label}`]);
    // The state to keep: journals of a real sync and a real fanout (the fanout's copies are what --delete would remove).
    const fanned = await cli(['fanout', 'configmap/ca', '--context', 'alpha', '-n', src, '--namespace-selector', label, '--yes']);
    expect(fanned.code, fanned.stderr).toBe(0);
    const synced = await cli(['sync', `alpha/${src}`, `alpha/${dst}`, '--keys', 'c', '--yes', '-o', 'json']);
    expect(synced.code, synced.stderr).toBe(0);
    // A source changed since: the dry runs below have something to write.
    await apply('alpha', configMap(src, 'ca', {'ca.crt': 'two'}));
    runIds = readdirSync(runsDir).map((f) => f.replace(/\.jsonl$/, ''));
    expect(runIds).toHaveLength(2);
    // A saved plan, written by the shell as users do (the tool itself writes no file).
    const saved = await cli(['sync', `alpha/${src}`, `alpha/${dst}`, '--all', '--prune', '--dry-run=client', '-o', 'json']);
    planFile = join(work, 'plan.json');
    writeFileSync(planFile, saved.stdout);
    // Journals older than a second exist for --prune to find.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  afterAll(async () => {
    await cleanup?.();
    rmSync(work, {recursive: true, force: true});
  });

  const commands: Array<[string, (dryRun: string) => string[], Parameters<typeof runCli>[1]?]> = [
    ['sync --all --prune --restart', (d) => ['sync', `alpha/${src}`, `alpha/${dst}`, '--all', '--prune', '--restart', `--dry-run=${d}`]],
    ['sync --plan', (d) => ['sync', '--plan', planFile, '--prune', `--dry-run=${d}`]],
    ['fanout', (d) => ['fanout', 'configmap/ca', '--context', 'alpha', '-n', src, '--namespace-selector', label, `--dry-run=${d}`]],
    ['fanout --delete', (d) => ['fanout', '--delete', 'configmap/ca', '--context', 'alpha', '-n', src, `--dry-run=${d}`]],
    ['fanout --from-annotations', (d) => ['fanout', '--from-annotations', '--context', 'alpha', `--dry-run=${d}`]],
    ['restart', (d) => ['restart', 'configmap/app', '--context', 'alpha', '-n', dst, `--dry-run=${d}`]],
    ['undo (the latest run)', (d) => ['undo', `--dry-run=${d}`]],
    ['undo RUN_ID', (d) => ['undo', runIds[0], `--dry-run=${d}`]],
    ['undo --prune', (d) => ['undo', '--prune', '1s', `--dry-run=${d}`]],
    ['undo --list', (d) => ['undo', '--list', `--dry-run=${d}`]],
  ];

  for (const dryRun of ['client', 'server']) {
    for (const [name, args] of commands) {
      it(`${name} --dry-run=${dryRun}: state directory and clusters unchanged, and it says "would"`, async () => {
        const state = stateSnapshot();
        const cluster = await clusterSnapshot();
        const run = await cli(args(dryRun));
        // --from-annotations reads every annotated source of the cluster, other tests' too: one of theirs may fail (4).
        expect(run.code, `${run.stdout}\n${run.stderr}`).toBeLessThanOrEqual(name === 'fanout --from-annotations' ? 4 : 1);
        expect(claimsDone(`${run.stdout}\n${run.stderr}`)).toEqual([]);
        expect(stateSnapshot()).toEqual(state);
        expect(await clusterSnapshot()).toEqual(cluster);
        if (name === 'undo --prune') {
          expect(run.stderr).toContain('would remove 2 run journals older than 1s:');
          for (const id of runIds) expect(run.stderr).toContain(`${id}.jsonl`);
        }
        // The plan (client) or the server-validated result (server) says what would go.
        if (name === 'fanout --delete') expect(run.stdout).toMatch(dryRun === 'client' ? /2 to prune/ : /would prune 2/);
        if (name === 'fanout --from-annotations') expect(run.stdout).toContain(`Fanout of configmap/annotated in alpha/${src}`);
      });
    }

    it(`fanout --watch --dry-run=server: state directory and clusters unchanged`, async () => {
      if (dryRun === 'client') return; // --watch refuses --dry-run=client (usage error)
      const state = stateSnapshot();
      const cluster = await clusterSnapshot();
      const run: RunResult = await cli(
        ['fanout', 'configmap/ca', '--context', 'alpha', '-n', src, '--namespace-selector', label, '--watch', '--yes', '--dry-run=server'],
        {signalWhen: {pattern: /(would update|updated) configmap\/ca in alpha\/\S+-t2/, signal: 'SIGTERM'}, timeoutMs: 60_000},
      );
      expect(run.stderr).toMatch(/would update configmap\/ca in alpha\/\S+-t1/);
      expect(claimsDone(run.stderr)).toEqual([]);
      expect(stateSnapshot()).toEqual(state);
      expect(await clusterSnapshot()).toEqual(cluster);
    });
  }

  it('a real undo --prune then removes exactly what its dry run listed', async () => {
    const run = await cli(['undo', '--prune', '1s']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('removed 2 run journals older than 1s:');
    expect(readdirSync(runsDir)).toEqual([]);
  });
});
