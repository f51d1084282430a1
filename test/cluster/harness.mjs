// Real-Kubernetes test bed for kubectl-configsync: two API servers ("alpha",
// "beta") backed by one etcd, with controller managers, all on loopback.
// The control plane is the Go program in ./testbed (see main.go there); this
// module builds it on demand and drives it. Node built-ins only, so it works
// under the Node 20 on PATH as well as the project's Node 24.
//
//   import { clusterUp, clusterDown } from './harness.mjs';
//   const { kubeconfig, clusters } = await clusterUp();
//   // kubeconfig contexts: alpha, beta (cluster-admin), alpha-viewer (read-only)
//   // clusters.alpha.auditLog: JSON lines, one per completed request
//
// Environment:
//   TESTBED_CACHE_DIR  build cache root (Go module + build caches, binaries);
//                      default ~/.cache/kubectl-configsync/testbed, shared by every
//                      clone on the machine (CI's included). The first build needs
//                      ~3.5 GiB there and ~7 minutes on 2 cores; later ones are instant.
//   TESTBED_STATE_DIR  control-plane state; default <repo>/.cluster
//   GO                 go binary; default `go` on PATH, then /usr/local/go/bin/go

import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const srcDir = path.join(here, 'testbed');

export const defaultStateDir = () => path.resolve(process.env.TESTBED_STATE_DIR || path.join(repoRoot, '.cluster'));
const cacheRoot = () => path.resolve(process.env.TESTBED_CACHE_DIR || path.join(os.homedir(), '.cache', 'kubectl-configsync', 'testbed'));

function findGo() {
  if (process.env.GO) return process.env.GO;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir || '.', 'go');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return '/usr/local/go/bin/go';
}

// Run a command; resolve with stdout, reject with the output tail on failure.
function run(cmd, args, {env, cwd, onStderrLine, inheritStderr = false} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: env || process.env,
      stdio: ['ignore', 'pipe', inheritStderr ? 'inherit' : 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d) => (stdout += d));
    if (!inheritStderr) {
      child.stderr.on('data', (d) => {
        stderr = (stderr + d).slice(-20000);
        if (!onStderrLine) return;
        const lines = (partial + d).split('\n');
        partial = lines.pop();
        for (const line of lines) onStderrLine(line);
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const why = signal ? `signal ${signal}` : `exit code ${code}`;
      reject(new Error(`${cmd} ${args.join(' ')} failed (${why})\n${stderr.slice(-6000)}`));
    });
  });
}

const goEnv = () => {
  const root = cacheRoot();
  return {
    ...process.env,
    GOTOOLCHAIN: 'local',
    // readonly: go.mod/go.sum are committed and complete; modcacherw: lets
    // a plain `rm -rf .cache` delete the module cache.
    GOFLAGS: '-mod=readonly -modcacherw -buildvcs=false',
    GOMODCACHE: path.join(root, 'gomod'),
    GOCACHE: path.join(root, 'gocache'),
    CGO_ENABLED: '0', // static binary, no C toolchain needed (as upstream)
  };
};

function linkerFlags() {
  // Stamp the Kubernetes version the module pins, so the API servers report
  // v1.x.y instead of v0.0.0-master (clients may look at /version).
  const gomod = fs.readFileSync(path.join(srcDir, 'go.mod'), 'utf8');
  const m = /^\s*k8s\.io\/kubernetes\s+v(\d+)\.(\d+)\.\d+\S*/m.exec(gomod);
  const flags = ['-s', '-w'];
  if (m) {
    const version = m[0].trim().split(/\s+/)[1];
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      flags.push(`-X ${pkg}.gitVersion=${version}`, `-X ${pkg}.gitMajor=${m[1]}`, `-X ${pkg}.gitMinor=${m[2]}`);
    }
  }
  return flags.join(' ');
}

// Build key: the Go sources, go.mod/go.sum, Go version and linker flags.
async function buildKey(go, ldflags) {
  const h = createHash('sha256');
  h.update(await run(go, ['env', 'GOVERSION'], {env: goEnv()}));
  h.update(ldflags);
  const files = fs
    .readdirSync(srcDir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  for (const f of files) {
    h.update(`\0${f}\0`);
    h.update(fs.readFileSync(path.join(srcDir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

const log = (msg) => process.stderr.write(`testbed build: ${msg}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

// One builder at a time per cache: parallel test processes (or sessions)
// would otherwise each compile Kubernetes at once on the same two cores.
// The lock is a directory (mkdir is atomic) holding the owner's PID; a lock
// whose owner died is taken over. Resolves to false if `bin` appeared while
// waiting.
async function acquireBuildLock(binDir, bin) {
  const lockDir = path.join(binDir, 'build.lock');
  const started = Date.now();
  let lastNote = 0;
  for (;;) {
    if (fs.existsSync(bin)) return false;
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, {recursive: true, force: true});
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = 0;
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lockDir).mtimeMs;
      owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    } catch {
      // lock just released, or its owner has not written its PID yet
    }
    if ((owner && !pidAlive(owner)) || (!owner && age > 30000)) {
      fs.rmSync(lockDir, {recursive: true, force: true});
      continue;
    }
    if (Date.now() - lastNote >= 30000) {
      lastNote = Date.now();
      log(`waiting for the build in process ${owner || '?'} (${Math.round((lastNote - started) / 1000)} s)`);
    }
    await sleep(1000);
  }
}

/** Builds the testbed binary if missing or stale; returns its path. */
export async function ensureTestbedBinary() {
  const go = findGo();
  const ldflags = linkerFlags();
  const binDir = path.join(cacheRoot(), 'bin');
  const bin = path.join(binDir, `testbed-${await buildKey(go, ldflags)}`);
  if (fs.existsSync(bin)) return bin;

  fs.mkdirSync(binDir, {recursive: true});
  const release = await acquireBuildLock(binDir, bin);
  if (!release) return bin; // built by the process we waited for
  try {
    if (!fs.existsSync(bin)) await buildTestbed(go, ldflags, binDir, bin);
  } finally {
    release();
  }
  return bin;
}

async function buildTestbed(go, ldflags, binDir, bin) {
  const tmp = `${bin}.tmp-${process.pid}`;
  const started = Date.now();
  let packages = 0;
  let downloads = 0;
  log(`building ${path.basename(bin)} (from scratch this downloads and compiles Kubernetes: ~7 min on 2 cores)`);
  const heartbeat = setInterval(
    () => log(`${Math.round((Date.now() - started) / 1000)} s: ${downloads} modules downloaded, ${packages} packages compiled`),
    30000,
  );
  try {
    await run(go, ['build', '-v', '-trimpath', `-ldflags=${ldflags}`, '-o', tmp, '.'], {
      cwd: srcDir,
      env: goEnv(),
      onStderrLine: (line) => {
        // -v prints one package path per line: count those and the module
        // downloads for the heartbeat, pass anything else (errors) through.
        if (/^[\w.-]+(\/[\w.@~+-]+)*$/.test(line)) packages++;
        else if (line.startsWith('go: downloading ')) downloads++;
        else if (line.trim()) log(line);
      },
    });
    fs.renameSync(tmp, bin); // atomic: parallel builders cannot see half a binary
  } finally {
    clearInterval(heartbeat);
    fs.rmSync(tmp, {force: true});
  }
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  // Drop binaries (and leftovers of killed builds) unused for a day; not
  // sooner, as another checkout sharing this cache may still use its own.
  for (const f of fs.readdirSync(binDir)) {
    const file = path.join(binDir, f);
    if (f.startsWith('testbed-') && file !== bin && Date.now() - fs.statSync(file).mtimeMs > 86400000) {
      fs.rmSync(file, {force: true});
    }
  }
}

function readState(stateDir) {
  const state = JSON.parse(fs.readFileSync(path.join(stateDir, 'state.json'), 'utf8'));
  const clusters = {};
  for (const [name, c] of Object.entries(state.clusters)) {
    clusters[name] = {server: c.server, port: c.port, auditLog: c.auditLog};
  }
  return {kubeconfig: state.kubeconfig, stateDir, clusters, caFile: state.caFile, state};
}

/**
 * Starts the control plane, or does nothing (about a tenth of a second) if
 * it is already up; safe to call from parallel test processes.
 * @returns {Promise<{kubeconfig: string, stateDir: string, caFile: string,
 *   clusters: Record<'alpha'|'beta', {server: string, port: number, auditLog: string}>,
 *   state: object}>}
 */
export async function clusterUp({stateDir = defaultStateDir()} = {}) {
  stateDir = path.resolve(stateDir);
  const bin = await ensureTestbedBinary();
  const out = await run(bin, ['up', '--state', stateDir], {inheritStderr: true});
  const kubeconfig = out.trim().split('\n').pop();
  return {...readState(stateDir), kubeconfig};
}

// Same test as the Go side: the PID runs one of our components with the state
// dir on its command line (so recycled PIDs and zombies do not count).
function isOurs(pid, stateDir) {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (
      ['etcd', 'kube-apiserver', 'kube-controller-manager'].includes(args[1]) && args.slice(2).some((a) => a.includes(stateDir + path.sep))
    );
  } catch {
    return false;
  }
}

/**
 * True when every recorded component process is alive (cheap: no build, no
 * network). clusterUp() also checks /readyz before deciding to do nothing.
 */
export async function isClusterRunning({stateDir = defaultStateDir()} = {}) {
  stateDir = path.resolve(stateDir);
  let state;
  try {
    state = readState(stateDir).state;
  } catch {
    return false;
  }
  const pids = [state.etcd.pid];
  for (const c of Object.values(state.clusters)) pids.push(c.apiserver.pid, c.controllerManager.pid);
  return pids.every((pid) => isOurs(pid, stateDir));
}

/** Stops every component and deletes the state dir; fine if nothing runs. */
export async function clusterDown({stateDir = defaultStateDir()} = {}) {
  stateDir = path.resolve(stateDir);
  const anyRunning = fs.readdirSync('/proc').some((pid) => /^\d+$/.test(pid) && isOurs(pid, stateDir));
  if (!anyRunning && !fs.existsSync(stateDir)) return; // nothing to do: do not build for it
  const bin = await ensureTestbedBinary();
  await run(bin, ['down', '--state', stateDir], {inheritStderr: true});
}

/** Fault tests: stop one API server (SIGTERM, then SIGKILL after 2 s). */
export async function stopApiserver(cluster, {stateDir = defaultStateDir()} = {}) {
  await run(await ensureTestbedBinary(), ['stop-apiserver', '--state', stateDir, '--cluster', cluster], {
    inheritStderr: true,
  });
}

/** Restart a stopped API server on its old port; resolves once /readyz is ok. */
export async function startApiserver(cluster, {stateDir = defaultStateDir()} = {}) {
  await run(await ensureTestbedBinary(), ['start-apiserver', '--state', stateDir, '--cluster', cluster], {
    inheritStderr: true,
  });
}

/**
 * Parsed audit events of one log (one per completed request, Metadata level),
 * optionally only those whose userAgent contains `userAgent`.
 */
export function readAuditLog(auditLog, {userAgent} = {}) {
  let text = '';
  try {
    text = fs.readFileSync(auditLog, 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const lines = text.split('\n').filter((line) => line.trim());
  return lines
    .flatMap((line, i) => {
      try {
        return [JSON.parse(line)];
      } catch (err) {
        if (i === lines.length - 1) return []; // being written right now
        throw err;
      }
    })
    .filter((e) => userAgent === undefined || (e.userAgent || '').includes(userAgent));
}
