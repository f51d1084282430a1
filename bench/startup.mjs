// Cold start of the shipped entry points beside kubectl, measured in one run with the
// commands alternating (so machine load hits all of them alike), several rounds, median.
// Run: npm run bench:startup (builds dist/ and release/kubectl-configsync first), or
// node bench/startup.mjs [--rounds N] when both are built.
import {spawnSync} from 'node:child_process';
import {existsSync, statSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const binary = join(root, 'release', 'kubectl-configsync');
const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
// The npm entry as installed: `#!/usr/bin/env node` finds this Node first on PATH.
const env = {...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, NO_COLOR: '1'};
const GOAL = 1.3;

const cases = [
  {name: 'kubectl --help', command: kubectl, args: ['--help']},
  {name: 'npm entry --help', command: join(root, 'bin', 'run.js'), args: ['--help']},
  {name: 'npm entry --version', command: join(root, 'bin', 'run.js'), args: ['--version']},
  {name: 'npm entry diff --help (oclif)', command: join(root, 'bin', 'run.js'), args: ['diff', '--help']},
  {name: 'binary --help', command: binary, args: ['--help']},
  {name: 'binary --version', command: binary, args: ['--version']},
  {name: 'binary diff --help (oclif)', command: binary, args: ['diff', '--help']},
].filter((c) => existsSync(c.command) || (console.error(`skipping ${c.name}: ${c.command} is missing`), false));

const times = new Map(cases.map((c) => [c.name, []]));
// One warm-up round fills the OS page cache and Node's compile cache, as any second run has them.
for (let round = -1; round < rounds; round++) {
  for (const c of cases) {
    const start = process.hrtime.bigint();
    const result = spawnSync(c.command, c.args, {env, stdio: ['ignore', 'ignore', 'pipe']});
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${c.name} exited ${result.status}: ${result.stderr}`);
    if (round >= 0) times.get(c.name).push(ms);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const baseline = median(times.get('kubectl --help'));
console.log(`cold start, median of ${rounds} rounds, commands alternating (Node ${process.version})`);
console.log(`${'command'.padEnd(34)}${'median ms'.padStart(10)}${'min ms'.padStart(9)}${'× kubectl'.padStart(11)}`);
let failed = false;
for (const c of cases) {
  const values = times.get(c.name);
  const ratio = median(values) / baseline;
  const gated = /--help$|--version$/.test(c.name) && c.name !== 'kubectl --help';
  if (gated && ratio > GOAL) failed = true;
  console.log(
    `${c.name.padEnd(34)}${median(values).toFixed(1).padStart(10)}${Math.min(...values)
      .toFixed(1)
      .padStart(9)}${ratio.toFixed(2).padStart(11)}${gated ? (ratio <= GOAL ? '  ok' : `  over ${GOAL}×`) : ''}`,
  );
}
if (existsSync(binary)) console.log(`single executable: ${(statSync(binary).size / 1e6).toFixed(1)} MB (${binary})`);
console.log(`kubectl: ${(statSync(kubectl).size / 1e6).toFixed(1)} MB`);
if (failed) {
  console.log(`goal: --help and --version within ${GOAL}× of kubectl --help: missed`);
  process.exitCode = 1;
}
