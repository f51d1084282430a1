// Cold start of the shipped entry points beside kubectl, measured in one run with the commands
// alternating (so machine load hits all of them alike), several rounds, medians; peak RSS of
// each (GNU time's %M, the kernel's maximum resident set size, for kubectl and us alike).
// The real command is `diff A B` of two small namespaces (5 ConfigMaps a side, created here on
// the test bed's current context and deleted after) beside `kubectl get cm -n A -o json`.
// Prints each phase of the diff (KUBECTL_CONFIGSYNC_TIMING) and exits 1 when a goal is missed.
// Run: npm run bench:startup (builds dist/ and release/kubectl-configsync first), or
// node bench/startup.mjs [--rounds N] when both are built.
import {spawnSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const builtBinary = join(root, 'release', 'kubectl-configsync');
const npmEntry = join(root, 'bin', 'run.js');
const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const stateDir = process.env.TESTBED_STATE_DIR ?? join(root, '.cluster');
const kubeconfig = process.env.KUBECONFIG ?? join(stateDir, 'kubeconfig');
// The npm entry as installed: `#!/usr/bin/env node` finds the project's Node (24) first on PATH.
const nodeBin = join(root, 'node_modules', 'node', 'bin');
const env = {
  ...process.env,
  PATH: `${existsSync(nodeBin) ? nodeBin : dirname(process.execPath)}:${process.env.PATH}`,
  NO_COLOR: '1',
  KUBECONFIG: kubeconfig,
};

/** Goals: ratio to the kubectl baseline of the same row, and peak RSS. */
const GOALS = {help: 1.5, rootHelp: 1.3, diff: 2.5, diffRssMb: 80};

const suffix = `${process.pid}-${Date.now().toString(36)}`;
const nsA = `bench-startup-a-${suffix}`;
const nsB = `bench-startup-b-${suffix}`;

function kubectlRun(args, input) {
  const result = spawnSync(kubectl, args, {env, input, encoding: 'utf8'});
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function setUp() {
  const objects = [];
  for (const ns of [nsA, nsB]) objects.push({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
  for (let i = 1; i <= 5; i++) {
    const data = {'app.properties': `mode=${i}\nlevel=info\n`, LOG_LEVEL: 'info', REPLICAS: String(i)};
    objects.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `app-${i}`, namespace: nsA}, data});
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: `app-${i}`, namespace: nsB},
      data: {...data, LOG_LEVEL: i % 2 ? 'debug' : 'info'},
    });
  }
  kubectlRun(['apply', '-f', '-'], JSON.stringify({apiVersion: 'v1', kind: 'List', items: objects}));
}

function tearDown() {
  spawnSync(kubectl, ['delete', 'namespace', nsA, nsB, '--wait=false', '--ignore-not-found'], {env, stdio: 'ignore'});
}

const scratch = mkdtempSync(join(tmpdir(), 'bench-startup-'));
// The executable as installed (docs/install.md: `install -m 0755 release/kubectl-configsync …`).
// Measured in place, the file postject has just written is held in the page cache in larger
// pieces, and its peak RSS reads 10–17 MB higher for the same run (42 against 60 MB for a
// one-line single executable): that is the page cache, not the program.
const binary = join(scratch, 'kubectl-configsync');
if (existsSync(builtBinary)) {
  copyFileSync(builtBinary, binary);
  chmodSync(binary, 0o755);
}

const cases = [
  {name: 'kubectl --help', command: kubectl, args: ['--help'], baseline: true},
  {name: 'npm --help', command: npmEntry, args: ['--help'], against: 'kubectl --help', goal: GOALS.rootHelp},
  {name: 'npm --version', command: npmEntry, args: ['--version'], against: 'kubectl --help', goal: GOALS.rootHelp},
  {name: 'npm diff --help', command: npmEntry, args: ['diff', '--help'], against: 'kubectl --help', goal: GOALS.help},
  {name: 'binary --help', command: binary, args: ['--help'], against: 'kubectl --help', goal: GOALS.rootHelp},
  {name: 'binary diff --help', command: binary, args: ['diff', '--help'], against: 'kubectl --help', goal: GOALS.help},
  {name: 'kubectl get cm -o json', command: kubectl, args: ['get', 'cm', '-n', nsA, '-o', 'json'], baseline: true},
  {
    name: 'npm diff A B',
    command: npmEntry,
    args: ['diff', nsA, nsB],
    against: 'kubectl get cm -o json',
    goal: GOALS.diff,
    rssGoal: GOALS.diffRssMb,
    exitCodes: [1],
  },
  {
    name: 'binary diff A B',
    command: binary,
    args: ['diff', nsA, nsB],
    against: 'kubectl get cm -o json',
    goal: GOALS.diff,
    rssGoal: GOALS.diffRssMb,
    exitCodes: [1],
  },
  // For comparison (not gated): the same diff started through oclif, as before the manifest read command lines.
  {
    name: 'npm diff A B via oclif',
    command: npmEntry,
    args: ['diff', nsA, nsB],
    against: 'kubectl get cm -o json',
    exitCodes: [1],
    env: {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'},
  },
  // Phases of the diff (not gated): Node alone, and the diff telling where its time goes.
  {name: 'node -e 0', command: join(nodeBin, 'node'), args: ['-e', '0']},
  {name: 'npm diff A B (timed)', command: npmEntry, args: ['diff', nsA, nsB], exitCodes: [1], timing: true},
].filter((c) => existsSync(c.command) || (console.error(`skipping ${c.name}: ${c.command} is missing`), false));

const rssFile = join(scratch, 'rss');

/** One run: wall-clock ms, peak RSS in MB (undefined without GNU time) and, when asked, the phase marks. */
function runOnce(c) {
  const [command, args] = timeTool ? [timeTool, ['-f', '%M', '-o', rssFile, c.command, ...c.args]] : [c.command, c.args];
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    env: {...env, ...c.env, ...(c.timing ? {KUBECTL_CONFIGSYNC_TIMING: '1'} : {})},
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && !(c.exitCodes ?? []).includes(result.status))
    throw new Error(`${c.name} exited ${result.status}: ${result.stderr}`);
  const rss = timeTool ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024 : undefined;
  const marks = c.timing ? JSON.parse(/^timing: (.*)$/m.exec(result.stderr)?.[1] ?? '{}') : undefined;
  return {ms, rss, marks};
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

setUp();
const samples = new Map(cases.map((c) => [c.name, []]));
try {
  // One warm-up round fills the OS page cache and Node's compile cache, as any second run has them.
  for (let round = -1; round < rounds; round++) {
    for (const c of cases) {
      const sample = runOnce(c);
      if (round >= 0) samples.get(c.name).push(sample);
    }
  }
} finally {
  tearDown();
  rmSync(scratch, {recursive: true, force: true});
}

const stat = (name, key) => median(samples.get(name).map((s) => s[key]));
console.log(
  `cold start, median of ${rounds} rounds, commands alternating (${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, Node ${process.versions.node} bench, load ${(await import('node:os')).loadavg()[0].toFixed(1)})`,
);
console.log(
  `${'command'.padEnd(26)}${'median ms'.padStart(10)}${'min ms'.padStart(8)}${'RSS MB'.padStart(8)}${'× kubectl'.padStart(10)}  goal`,
);
const missed = [];
for (const c of cases) {
  const ms = stat(c.name, 'ms');
  const rss = timeTool ? stat(c.name, 'rss') : undefined;
  const ratio = c.against ? ms / stat(c.against, 'ms') : undefined;
  const verdicts = [];
  if (c.goal !== undefined) {
    verdicts.push(`≤ ${c.goal}× ${ratio <= c.goal ? 'ok' : 'MISSED'}`);
    if (ratio > c.goal) missed.push(`${c.name}: ${ratio.toFixed(2)}× ${c.against} (goal ${c.goal}×)`);
  }
  if (c.rssGoal !== undefined && rss !== undefined) {
    verdicts.push(`≤ ${c.rssGoal} MB ${rss <= c.rssGoal ? 'ok' : 'MISSED'}`);
    if (rss > c.rssGoal) missed.push(`${c.name}: peak RSS ${rss.toFixed(0)} MB (goal ${c.rssGoal} MB)`);
  }
  console.log(
    `${c.name.padEnd(26)}${ms.toFixed(1).padStart(10)}${Math.min(...samples.get(c.name).map((s) => s.ms))
      .toFixed(1)
      .padStart(
        8,
      )}${(rss === undefined ? 'n/a' : rss.toFixed(0)).padStart(8)}${(ratio === undefined ? '' : ratio.toFixed(2)).padStart(10)}  ${verdicts.join(', ')}`,
  );
}

// Where the diff's time goes: each phase's end (median ms since the process started) and its length.
const timed = samples.get('npm diff A B (timed)');
if (timed?.length) {
  const phases = [
    ['main', 'Node started, dist/main.js loaded'],
    ['command', 'command line read, the command loaded'],
    ['client', 'kubeconfig + client-node chunk loaded'],
    ['credentials', 'kubeconfig read, locations resolved'],
    ['first answer', 'first request answered (TLS handshake)'],
    ['done', 'other requests, diff, render'],
  ];
  console.log('\nphases of npm diff A B (median ms):');
  let previous = 0;
  for (const [mark, what] of phases) {
    const at = median(timed.map((s) => s.marks[mark] ?? Number.NaN));
    console.log(`  ${what.padEnd(44)} ${(at - previous).toFixed(1).padStart(7)}  (at ${at.toFixed(1)})`);
    previous = at;
  }
  const total = stat('npm diff A B (timed)', 'ms');
  console.log(`  ${'exit (process teardown)'.padEnd(44)} ${(total - previous).toFixed(1).padStart(7)}  (at ${total.toFixed(1)})`);
  if (samples.has('node -e 0')) console.log(`  for scale: node -e 0 takes ${stat('node -e 0', 'ms').toFixed(1)} ms`);
}
if (existsSync(builtBinary))
  console.log(`single executable: ${(statSync(builtBinary).size / 1e6).toFixed(1)} MB (${builtBinary}, measured as an installed copy)`);
if (!timeTool) console.log('peak RSS not measured: /usr/bin/time (GNU time) is missing');
if (missed.length > 0) {
  console.log(`goals missed:\n  ${missed.join('\n  ')}`);
  process.exitCode = 1;
}
