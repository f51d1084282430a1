// Benchmark: `fanout` of one ConfigMap into 500 namespaces on the test bed, first run
// (500 creates) and second run (nothing to write), beside a shell loop of
// `kubectl apply` doing the same job, measured in the same run.
//
//   npm run build && CONFIGSYNC_KEEP_CLUSTER=1 npx node bench/fanout.mjs [--namespaces 500]
//
// Needs the test bed running (npm run cluster:up). Creates the namespaces once and
// deletes them at the end.
import {execFileSync, spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const kubeconfig = join(repoRoot, '.cluster', 'kubeconfig');
const state = JSON.parse(readFileSync(join(repoRoot, '.cluster', 'state.json'), 'utf8'));
const count = Number(process.argv[process.argv.indexOf('--namespaces') + 1]) || 500;
const prefix = `bench-${randomBytes(3).toString('hex')}`;
const source = `${prefix}-src`;
const targets = Array.from({length: count}, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
const work = mkdtempSync(join(tmpdir(), 'fanout-bench-'));

const kubectl = (args, input) =>
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, '--context', 'alpha', ...args], {input, encoding: 'utf8', maxBuffer: 64 << 20});

/** Our requests in alpha's audit log that concern this benchmark. */
function ourRequests(userAgentPrefix) {
  const lines = readFileSync(state.clusters.alpha.auditLog, 'utf8').split('\n').filter(Boolean);
  const events = [];
  for (const line of lines) {
    try {
      events.push(JSON.parse(line));
    } catch {
      // a line being written
    }
  }
  return events.filter(
    (e) =>
      (e.userAgent ?? '').startsWith(userAgentPrefix) &&
      (String(e.objectRef?.namespace ?? '').startsWith(prefix) ||
        String(e.requestURI).includes(prefix) ||
        (e.objectRef?.resource === 'namespaces' && e.verb === 'list')),
  );
}

function count_(events) {
  const by = {};
  for (const e of events) by[e.verb] = (by[e.verb] ?? 0) + 1;
  return by;
}

function timed(label, run) {
  const started = process.hrtime.bigint();
  const result = run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {label, seconds, result};
}

function runCli(args) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
    env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1'},
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) throw new Error(`fanout exited ${result.status}: ${result.stderr}`);
  return result;
}

try {
  process.stderr.write(`creating ${count + 1} namespaces (${prefix}-*)…\n`);
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [source, ...targets].map((name) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}})),
  };
  kubectl(['apply', '-f', '-'], JSON.stringify(list));
  const data = Object.fromEntries(Array.from({length: 20}, (_, i) => [`key-${i}`, `value-${i}-${'x'.repeat(100)}`]));
  for (const name of ['bench-fanout', 'bench-kubectl']) {
    kubectl(['apply', '-f', '-'], JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: source}, data}));
  }

  const fanoutArgs = [
    'fanout',
    'configmap/bench-fanout',
    '--context',
    'alpha',
    '-n',
    source,
    '--namespace-regex',
    `^${prefix}-\\d+$`,
    '--yes',
  ];
  const rows = [];
  for (const label of ['fanout, first run', 'fanout, second run']) {
    const before = ourRequests('kubectl-configsync/').length;
    const run = timed(label, () => runCli(fanoutArgs));
    const requests = count_(ourRequests('kubectl-configsync/').slice(before));
    rows.push({label, seconds: run.seconds, requests});
  }

  // The baseline: what a script does without this tool, one kubectl per namespace.
  const copy = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'bench-kubectl'}, data};
  writeFileSync(join(work, 'copy.json'), JSON.stringify(copy));
  writeFileSync(join(work, 'namespaces'), targets.join('\n'));
  const loop = `for ns in $(cat ${join(work, 'namespaces')}); do kubectl --kubeconfig ${kubeconfig} --context alpha -n "$ns" apply -f ${join(work, 'copy.json')} >/dev/null || exit 1; done`;
  for (const label of ['kubectl apply loop, first run', 'kubectl apply loop, second run']) {
    const before = ourRequests('kubectl/').length;
    const run = timed(label, () => execFileSync('bash', ['-c', loop], {stdio: ['ignore', 'ignore', 'inherit']}));
    rows.push({label, seconds: run.seconds, requests: count_(ourRequests('kubectl/').slice(before))});
  }

  const check = JSON.parse(
    kubectl(['get', 'configmaps', '-A', '--field-selector', 'metadata.name=bench-fanout', '-o', 'json']),
  ).items.filter((i) => i.metadata.namespace.startsWith(prefix)).length;
  console.log(`fanout of one ConfigMap (20 keys) into ${count} namespaces on the test bed (alpha), ${check - 1} copies verified`);
  console.log('');
  console.log(`${'run'.padEnd(34)}${'seconds'.padStart(9)}   requests (by verb)`);
  for (const row of rows) {
    const verbs = Object.entries(row.requests)
      .sort()
      .map(([verb, n]) => `${verb} ${n}`)
      .join(', ');
    console.log(`${row.label.padEnd(34)}${row.seconds.toFixed(2).padStart(9)}   ${verbs}`);
  }
} finally {
  process.stderr.write('deleting the benchmark namespaces…\n');
  spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--context', 'alpha', 'delete', 'namespace', source, ...targets, '--wait=false'], {
    stdio: 'ignore',
  });
  rmSync(work, {recursive: true, force: true});
}
