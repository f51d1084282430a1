// Benchmark of `kubectl configsync diff` against the local test bed, printed beside
// the kubectl calls that fetch the same data, all measured in one run with the
// commands alternating (so machine load hits them alike), median of several rounds.
//
//   npm run build && npx node bench/diff.mjs [--rounds N] [--objects N] [--keep]
//
// Needs the test bed (npm run cluster:up). Loads OBJECTS ConfigMaps × 20 keys into two
// fresh namespaces of context alpha (one in ten differs in one key), plus a small pair
// (5 ConfigMaps each), and deletes them at the end unless --keep.
import {spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', 5);
const objects = arg('--objects', 1000);
const keep = process.argv.includes('--keep');
const kubeconfig = join(root, '.cluster', 'kubeconfig');
const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
const cli = join(root, 'bin', 'run.js');
const timeBin = '/usr/bin/time';
if (!existsSync(kubeconfig)) throw new Error(`no test bed: ${kubeconfig} is missing (npm run cluster:up)`);
if (!existsSync(join(root, 'dist', 'main.js'))) throw new Error('dist/ is missing: npm run build first');

const suffix = randomBytes(3).toString('hex');
const big = [`bench-diff-a-${suffix}`, `bench-diff-b-${suffix}`];
const small = [`bench-small-a-${suffix}`, `bench-small-b-${suffix}`];
const env = {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1'};
const work = mkdtempSync(join(tmpdir(), 'configsync-bench-'));

function configMaps(namespace, count, variant) {
  const items = [];
  for (let i = 0; i < count; i++) {
    const data = {};
    for (let k = 0; k < 20; k++) data[`KEY_${String(k).padStart(2, '0')}`] = `value-${i}-${k}-${'x'.repeat(24)}`;
    if (variant && i % 10 === 0) data.KEY_07 = `changed-${i}`;
    items.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `cm-${String(i).padStart(4, '0')}`, namespace}, data});
  }
  return {apiVersion: 'v1', kind: 'List', items};
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, stdio: ['ignore', 'ignore', 'pipe']});
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr}`))));
  });
}

const k = (...args) => ['--kubeconfig', kubeconfig, '--context', 'alpha', ...args];

async function load() {
  const started = Date.now();
  await run(kubectl, k('create', 'namespace', big[0]));
  await run(kubectl, k('create', 'namespace', big[1]));
  await run(kubectl, k('create', 'namespace', small[0]));
  await run(kubectl, k('create', 'namespace', small[1]));
  const files = [
    [big[0], configMaps(big[0], objects, false)],
    [big[1], configMaps(big[1], objects, true)],
    [small[0], configMaps(small[0], 5, false)],
    [small[1], configMaps(small[1], 5, true)],
  ].map(([ns, list]) => {
    const file = join(work, `${ns}.json`);
    writeFileSync(file, JSON.stringify(list));
    return file;
  });
  // One create of a List per namespace, the two big ones side by side.
  await Promise.all(files.map((file) => run(kubectl, k('create', '-f', file, '-o', 'name'))));
  console.log(`loaded ${objects} ConfigMaps × 20 keys into ${big.join(' and ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function cleanup() {
  if (keep) return;
  for (const ns of [...big, ...small]) await run(kubectl, k('delete', 'namespace', ns, '--wait=false')).catch(() => undefined);
  rmSync(work, {recursive: true, force: true});
}

/** Wall time in ms and peak RSS in MB of one process, via GNU time. */
function measure(command, args, okCodes = [0]) {
  const start = process.hrtime.bigint();
  const result = spawnSync(timeBin, ['-f', '%M', command, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const lines = result.stderr.trim().split('\n');
  const rssKb = Number(lines.at(-1));
  // GNU time reports "Command exited with non-zero status N" before the figure.
  const exited = /exited with non-zero status (\d+)/.exec(result.stderr);
  const code = exited ? Number(exited[1]) : result.status;
  if (!okCodes.includes(code)) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${result.stderr}`);
  return {ms, rssMb: rssKb / 1024};
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function bench(title, cases, n) {
  const results = new Map(cases.map((c) => [c.name, []]));
  for (let round = -1; round < n; round++) {
    for (const c of cases) {
      const r = measure(c.command, c.args, c.okCodes);
      if (round >= 0) results.get(c.name).push(r);
    }
  }
  console.log(`\n${title} (median of ${n} rounds, commands alternating, after one warm-up round)`);
  console.log(`${'command'.padEnd(58)}${'wall ms'.padStart(9)}${'peak RSS MB'.padStart(13)}`);
  const figures = {};
  for (const c of cases) {
    const values = results.get(c.name);
    figures[c.name] = {ms: median(values.map((v) => v.ms)), rssMb: Math.max(...values.map((v) => v.rssMb))};
    console.log(`${c.name.padEnd(58)}${figures[c.name].ms.toFixed(0).padStart(9)}${figures[c.name].rssMb.toFixed(0).padStart(13)}`);
  }
  return figures;
}

const node = process.execPath;
let failed = false;
function goal(label, ok, detail) {
  if (!ok) failed = true;
  console.log(`  ${ok ? 'ok  ' : 'MISS'} ${label}: ${detail}`);
}

try {
  await load();
  const [a, b] = big;
  const large = bench(
    `diff of ${objects} ConfigMaps × 20 keys per namespace`,
    [
      {name: `kubectl get configmaps -n ${a.slice(0, 14)}… -o json`, command: kubectl, args: k('get', 'configmaps', '-n', a, '-o', 'json')},
      {name: `kubectl get configmaps -n ${b.slice(0, 14)}… -o json`, command: kubectl, args: k('get', 'configmaps', '-n', b, '-o', 'json')},
      {name: 'configsync diff (table)', command: node, args: [cli, 'diff', `alpha/${a}`, `alpha/${b}`], okCodes: [1]},
      {name: 'configsync diff -o json', command: node, args: [cli, 'diff', `alpha/${a}`, `alpha/${b}`, '-o', 'json'], okCodes: [1]},
    ],
    rounds,
  );
  const kubectlBoth = large[Object.keys(large)[0]].ms + large[Object.keys(large)[1]].ms;
  console.log(`  the two kubectl calls together: ${kubectlBoth.toFixed(0)} ms`);
  goal(
    'diff no slower than the two kubectl calls together',
    large['configsync diff (table)'].ms <= kubectlBoth,
    `${large['configsync diff (table)'].ms.toFixed(0)} ms vs ${kubectlBoth.toFixed(0)} ms (${(large['configsync diff (table)'].ms / kubectlBoth).toFixed(2)}×)`,
  );
  goal(
    'diff peak RSS ≤ 200 MB',
    large['configsync diff (table)'].rssMb <= 200 && large['configsync diff -o json'].rssMb <= 200,
    `table ${large['configsync diff (table)'].rssMb.toFixed(0)} MB, json ${large['configsync diff -o json'].rssMb.toFixed(0)} MB`,
  );

  const start = bench(
    'cold start',
    [
      {name: 'kubectl --help', command: kubectl, args: ['--help']},
      {name: 'configsync --help', command: node, args: [cli, '--help']},
      {name: 'configsync diff --help', command: node, args: [cli, 'diff', '--help']},
      {name: 'kubectl get configmaps -n (5 objects) -o json', command: kubectl, args: k('get', 'configmaps', '-n', small[0], '-o', 'json')},
      {
        name: 'configsync diff (5 objects per side)',
        command: node,
        args: [cli, 'diff', `alpha/${small[0]}`, `alpha/${small[1]}`],
        okCodes: [1],
      },
    ],
    Math.max(rounds, 9),
  );
  const ratio = (x, y) => start[x].ms / start[y].ms;
  goal(
    '--help within 1.3× of kubectl --help',
    ratio('configsync --help', 'kubectl --help') <= 1.3,
    `${ratio('configsync --help', 'kubectl --help').toFixed(2)}× (diff --help ${ratio('configsync diff --help', 'kubectl --help').toFixed(2)}×)`,
  );
  goal(
    'small diff within 2.5× of one kubectl get configmaps',
    ratio('configsync diff (5 objects per side)', 'kubectl get configmaps -n (5 objects) -o json') <= 2.5,
    `${ratio('configsync diff (5 objects per side)', 'kubectl get configmaps -n (5 objects) -o json').toFixed(2)}×`,
  );
  console.log(`\nNode ${process.version}, ${(await import('node:os')).cpus().length} CPUs; kubectl ${kubectl}`);
} finally {
  await cleanup();
}
if (failed) process.exitCode = 1;
