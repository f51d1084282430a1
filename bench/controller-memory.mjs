// Benchmark: `controller run --from-annotations` before and after the cluster fills with many
// ConfigMaps and Secrets it does not manage. Reports, for both, the controller's RSS (now and
// peak) beside the size of the cluster's ConfigMap and Secret data, the time of a full resync
// (a pass over every source), and, as the baseline measured in the same run, `kubectl get
// configmaps,secrets -A -o json` (time and peak RSS): the cost of merely reading that data once.
//
//   npm run build && node bench/controller-memory.mjs [--objects 5000] [--sources 20] [--size 4096] [--targets 5] [--churn SECONDS] [--no-manifest-node-options]
//
// The controller runs with the NODE_OPTIONS of the Deployment that `controller manifests` prints
// (--no-manifest-node-options: V8's defaults). --churn labels a namespace every 250 ms for that
// long after the fill, as a busy cluster would, before the second measurement. BENCH_NODE_ARGS
// adds node arguments for the controller (e.g. --lite-mode), for experiments.
// Needs the test bed (npm run cluster:up). Creates its namespaces and deletes them at the end.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const kubeconfig = join(repoRoot, '.cluster', 'kubeconfig');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const objects = arg('objects', 5000);
const sources = arg('sources', 20);
const size = arg('size', 4096);
const targetCount = arg('targets', 5);
const churnSeconds = arg('churn', 0);
const fillerNamespaces = 10;
const prefix = `bench-ctl-${randomBytes(3).toString('hex')}`;
const sourceNs = `${prefix}-src`;
const fillers = Array.from({length: fillerNamespaces}, (_, i) => `${prefix}-fill-${i}`);
const targets = Array.from({length: targetCount}, (_, i) => `${prefix}-to-${i}`);
const label = `${prefix}-target`;
const port = 20000 + Math.floor(Math.random() * 20000);

const kubectl = (args, input) =>
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, '--context', 'alpha', ...args], {input, encoding: 'utf8', maxBuffer: 512 << 20});
const value = () =>
  randomBytes(Math.ceil((size * 3) / 4))
    .toString('base64')
    .slice(0, size);

function createNamespaces() {
  for (const ns of [sourceNs, ...fillers, ...targets]) kubectl(['create', 'namespace', ns]);
  for (const ns of targets) kubectl(['label', 'namespace', ns, `${label}=yes`]);
}

/** `objects` unmanaged objects of `size` bytes, half ConfigMaps, half Secrets, applied in batches. */
function createFiller() {
  const batch = 250;
  for (let start = 0; start < objects; start += batch) {
    const items = [];
    for (let i = start; i < Math.min(objects, start + batch); i++) {
      const namespace = fillers[i % fillerNamespaces];
      const name = `filler-${i}`;
      items.push(
        i % 2 === 0
          ? {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace}, data: {payload: value()}}
          : {apiVersion: 'v1', kind: 'Secret', metadata: {name, namespace}, stringData: {payload: value()}},
      );
    }
    kubectl(['create', '-f', '-'], JSON.stringify({apiVersion: 'v1', kind: 'List', items}));
  }
}

function createSources() {
  const items = [];
  for (let i = 0; i < sources; i++) {
    const metadata = {name: `source-${i}`, namespace: sourceNs, annotations: {'kubed.appscode.com/sync': `${label}=yes`}};
    items.push(
      i % 2 === 0
        ? {apiVersion: 'v1', kind: 'ConfigMap', metadata, data: {payload: value()}}
        : {apiVersion: 'v1', kind: 'Secret', metadata, stringData: {payload: value()}},
    );
  }
  kubectl(['create', '-f', '-'], JSON.stringify({apiVersion: 'v1', kind: 'List', items}));
}

/** Everything the cluster holds in ConfigMaps and Secrets (all namespaces, the test bed's other users included). */
function clusterData() {
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %M', 'kubectl', '--kubeconfig', kubeconfig, '--context', 'alpha', 'get', 'configmaps,secrets', '-A', '-o', 'json'],
    {encoding: 'utf8', maxBuffer: 1 << 30},
  );
  const [seconds, maxRssKb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  const list = JSON.parse(run.stdout);
  let dataBytes = 0;
  for (const item of list.items)
    for (const v of [...Object.values(item.data ?? {}), ...Object.values(item.binaryData ?? {})]) dataBytes += v.length;
  return {count: list.items.length, dataBytes, jsonBytes: run.stdout.length, kubectlSeconds: seconds, kubectlMaxRssKb: maxRssKb};
}

/**
 * Kubed's default scope (sources in every namespace), read-only: `fanout --from-annotations
 * --dry-run=client` plans with the same code as the controller's pass and writes nothing, so it
 * can run on a shared cluster whose other annotated sources are not ours to write.
 */
function unscopedPass() {
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %M',
      process.execPath,
      join(repoRoot, 'bin', 'run.js'),
      'fanout',
      '--from-annotations',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'alpha',
      '--dry-run=client',
      '-o',
      'json',
    ],
    {encoding: 'utf8', maxBuffer: 1 << 30, env: {...process.env, KUBECONFIG: ''}},
  );
  const [seconds, maxRssKb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return {seconds, maxRssKb};
}

async function metrics() {
  // A kept-alive connection the server just closed fails once: ask again.
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const text = await scrape().catch(scrape);
  const get = (series) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  return {
    passes: get('configsync_reconcile_duration_seconds_count') ?? 0,
    passSeconds: get('configsync_reconcile_duration_seconds_sum') ?? 0,
    inSync: get('configsync_copies{state="in_sync"}') ?? 0,
    rss: get('process_resident_memory_bytes') ?? 0,
    heapUsed: get('nodejs_heap_size_used_bytes') ?? 0,
    heapTotal: get('nodejs_heap_size_total_bytes') ?? 0,
    external: get('nodejs_external_memory_bytes') ?? 0,
    newSpace: get('nodejs_heap_space_size_total_bytes{space="new"}') ?? 0,
    codeSpace: get('nodejs_heap_space_size_total_bytes{space="code"}') ?? 0,
  };
}

const peakRss = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

/** The controller runs with the V8 flags its Deployment sets (controller manifests), as in a cluster. */
function manifestNodeOptions() {
  const out = execFileSync(
    process.execPath,
    [join(repoRoot, 'bin', 'run.js'), 'controller', 'manifests', '-n', 'bench', '--from-annotations', '-o', 'json'],
    {
      encoding: 'utf8',
    },
  );
  const deployment = JSON.parse(out).items.find((o) => o.kind === 'Deployment');
  return deployment.spec.template.spec.containers[0].env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}
const nodeOptions = process.argv.includes('--no-manifest-node-options') ? '' : manifestNodeOptions();
console.log(`controller NODE_OPTIONS: ${nodeOptions || '(none)'}`);

let controller;
let log = '';
const controllerLog = () => log;
try {
  createNamespaces();
  createSources();
  controller = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      join(repoRoot, 'bin', 'run.js'),
      'controller',
      'run',
      '--kubeconfig',
      kubeconfig,
      '--context',
      'alpha',
      '--from-annotations',
      '-n',
      sourceNs,
      '--metrics-bind-address',
      `127.0.0.1:${port}`,
      '--resync',
      '1h',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {...process.env, KUBECONFIG: '', NODE_OPTIONS: nodeOptions, XDG_STATE_HOME: join(repoRoot, '.cache', 'bench-state')},
    },
  );
  controller.stderr.on('data', (d) => (log += d));
  let started = Date.now();
  const expected = sources * targetCount;
  await until('every copy written', async () => {
    const m = await metrics();
    return m.inSync === expected ? m : undefined;
  });
  const firstSeconds = (Date.now() - started) / 1000;

  /** A full resync with nothing to write, triggered by an event (a label on the source namespace). */
  const resync = async () => {
    const before = await metrics();
    kubectl(['label', 'namespace', sourceNs, `touched=${Date.now()}`, '--overwrite']);
    const after = await until('a resync pass', async () => {
      const m = await metrics();
      return m.passes > before.passes && m.inSync === expected ? m : undefined;
    });
    await sleep(1000);
    const now = await metrics();
    return {
      seconds: (after.passSeconds - before.passSeconds) / (after.passes - before.passes),
      rss: now.rss,
      heapUsed: now.heapUsed,
      heapTotal: now.heapTotal,
      external: now.external,
      newSpace: now.newSpace,
      codeSpace: now.codeSpace,
      passes: now.passes,
      peak: peakRss(controller.pid),
    };
  };
  const small = await resync();
  const smallData = clusterData();
  const smallUnscoped = unscopedPass();

  started = Date.now();
  createFiller();
  console.log(`created ${objects} objects of ${size} B in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (churnSeconds > 0) {
    // What a busy cluster does to the controller: a namespace event every 250 ms (each burst capped at 2 s costs a pass).
    const churnUntil = Date.now() + churnSeconds * 1000;
    const passesBefore = (await metrics()).passes;
    for (let i = 0; Date.now() < churnUntil; i++) {
      kubectl(['label', 'namespace', targets[0], `churn=${i}`, '--overwrite']);
      await sleep(250);
    }
    console.log(`churn: ${churnSeconds} s of namespace events, ${(await metrics()).passes - passesBefore} passes`);
  }
  const large = await resync();
  const largeData = clusterData();
  const largeUnscoped = unscopedPass();

  console.log('');
  console.log(`${sources} sources → ${expected} copies, first written in ${firstSeconds.toFixed(1)} s`);
  const row = (what, data, run) =>
    console.log(
      `${what}: ${data.count} ConfigMaps and Secrets, ${mib(data.dataBytes)} of data | controller: full resync ${run.seconds.toFixed(2)} s, RSS ${mib(run.rss)}, peak ${mib(run.peak)}, heap used ${mib(run.heapUsed)} of ${mib(run.heapTotal)} (new space ${mib(run.newSpace)}, code ${mib(run.codeSpace)}), external ${mib(run.external)}, ${run.passes} passes so far | kubectl get configmaps,secrets -A -o json: ${data.kubectlSeconds.toFixed(2)} s, peak RSS ${mib(data.kubectlMaxRssKb * 1024)}`,
    );
  row('before', smallData, small);
  row('after ', largeData, large);
  const unscoped = (what, run) =>
    console.log(
      `${what}: one pass over every namespace (fanout --from-annotations --dry-run=client, the same planning): ${run.seconds.toFixed(2)} s, peak RSS ${mib(run.maxRssKb * 1024)}`,
    );
  unscoped('before', smallUnscoped);
  unscoped('after ', largeUnscoped);
  if (!/create/.test(log)) console.log('note: the controller logged no create');
} catch (error) {
  console.error(`controller exit code: ${controller?.exitCode}; its last lines:\n${controllerLog().split('\n').slice(-15).join('\n')}`);
  throw error;
} finally {
  if (controller && controller.exitCode === null) controller.kill('SIGTERM');
  for (const ns of [sourceNs, ...fillers, ...targets]) {
    try {
      kubectl(['delete', 'namespace', ns, '--wait=false']);
    } catch {
      // already gone
    }
  }
}
