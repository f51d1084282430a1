// Builds dist/ for the npm package: src/ and every runtime dependency bundled by
// esbuild (a kubectl plugin starts often; one bundle loads much faster than
// hundreds of files from node_modules), then dist/help.txt, the root help that
// bin/run.js prints without loading oclif.
import {build} from 'esbuild';
import {spawnSync} from 'node:child_process';
import {existsSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

/** esbuild options shared with the single-executable build (scripts/build-binary.mjs). */
export const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22',
  logLevel: 'warning',
  // Named imports through src/kube/client-node.ts let esbuild drop the unused parts of the client.
  treeShaking: true,
  // oclif only looks for TypeScript when developing a plugin from source; never at run time here.
  external: ['typescript', 'ts-node'],
};

// Built beside dist/ and swapped in at once: tests running the CLI meanwhile keep a complete dist/.
const fresh = `${root}dist.tmp-${process.pid}`;
rmSync(fresh, {recursive: true, force: true});
await build({
  ...common,
  entryPoints: {main: 'src/main.ts', commands: 'src/commands.ts'},
  outdir: fresh,
  // Code splitting keeps the Kubernetes client and oclif out of --help, --version and completion.
  splitting: true,
  format: 'esm',
  sourcemap: 'linked',
  // Bundled CommonJS packages (oclif, cli-table3) call require() for Node built-ins.
  banner: {js: "import {createRequire as __configsyncRequire} from 'node:module'; const require = __configsyncRequire(import.meta.url);"},
});

const old = `${root}dist.old-${process.pid}`;
if (existsSync(dist)) renameSync(dist, old);
renameSync(fresh, dist);
rmSync(old, {recursive: true, force: true});

writeFileSync(`${dist}/help.txt`, generateHelp());
// Commands, flags and arguments for shell completion, read without loading oclif.
const {describeCommands} = await import(`${dist}/main.js`);
const {COMMANDS} = await import(`${dist}/commands.js`);
writeFileSync(`${dist}/completion.json`, JSON.stringify(describeCommands(COMMANDS)));

/**
 * oclif's own root help, captured from the CLI just built, so the prebuilt text
 * cannot drift from the commands. Piped output: 80 columns, no colour.
 */
export function generateHelp() {
  const result = spawnSync(process.execPath, [`${root}bin/run.js`, '--help'], {
    encoding: 'utf8',
    env: {...process.env, KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1', NO_COLOR: '1', OCLIF_COLUMNS: '80'},
  });
  if (result.status !== 0) throw new Error(`generating help failed (${result.status}): ${result.stderr}`);
  const userAgent = spawnSync(process.execPath, [`${root}bin/run.js`, '--version'], {encoding: 'utf8'}).stdout.trim();
  return result.stdout.replaceAll(userAgent, '@@USER_AGENT@@');
}
