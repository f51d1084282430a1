// Builds dist/ for the npm package: src/ and every runtime dependency bundled by
// esbuild (a kubectl plugin starts often; one bundle loads much faster than
// hundreds of files from node_modules), then dist/help.txt, the root help that
// bin/run.js prints without loading oclif.
import {build} from 'esbuild';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {clientPlugins} from './esbuild-plugins.mjs';

/** Help is read on terminals of 80 columns: no line of it may be wider. */
const HELP_COLUMNS = 80;
/** The help is oclif's as printed to a pipe (80 columns; src/main.ts narrows oclif's wrapping to fit), never a width set outside. */
const buildEnv = {...process.env};
delete buildEnv.OCLIF_COLUMNS;

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

// `npm ci` builds dist/ (the prepare script) and `npm test` builds again (pretest): the
// second build is skipped when nothing it reads changed. --force builds regardless.
const digest = inputsDigest();
const stamp = join(dist, '.inputs-sha256');
const built = ['main.js', 'commands.js', 'help.txt', 'completion.json', 'command-help.json'].every((f) => existsSync(join(dist, f)));
if (!process.argv.includes('--force') && built && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) {
  console.error('dist/ is up to date (sources, package files and build script unchanged)');
  process.exit(0);
}

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
  plugins: clientPlugins,
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

writeFileSync(`${dist}/help.txt`, refuseWiderThan(HELP_COLUMNS, 'the root help', generateHelp()));
// Commands, flags and arguments for shell completion, read without loading oclif.
const {describeCommands} = await import(`${dist}/main.js`);
const {COMMANDS, INTEGER_PARSE} = await import(`${dist}/commands.js`);
writeFileSync(`${dist}/completion.json`, JSON.stringify(describeCommands(COMMANDS, INTEGER_PARSE)));
// Every command's help, so `COMMAND --help` is answered without loading oclif either.
const commandHelp = generateCommandHelp(Object.keys(COMMANDS));
for (const [id, text] of Object.entries(commandHelp)) refuseWiderThan(HELP_COLUMNS, `the help of ${id.replaceAll(':', ' ')}`, text);
writeFileSync(`${dist}/command-help.json`, JSON.stringify(commandHelp));
writeFileSync(stamp, digest);

/** sha256 of everything the build reads from the repository: src/, package.json, package-lock.json, tsconfig.json, this script. */
function inputsDigest() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, {withFileTypes: true})) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(root, 'src'));
  files.push(
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/esbuild-plugins.mjs']
      .map((f) => join(root, f))
      .filter((f) => existsSync(f)),
  );
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

/** The text, when no line is wider than `columns`; else the build fails naming the lines. */
export function refuseWiderThan(columns, what, text) {
  const wide = text.split('\n').filter((line) => [...line].length > columns);
  if (wide.length > 0) throw new Error(`${what} has lines wider than ${columns} columns:\n${wide.join('\n')}`);
  return text;
}

/**
 * oclif's own root help, captured from the CLI just built, so the prebuilt text
 * cannot drift from the commands. Piped output: 80 columns, no colour.
 */
export function generateHelp() {
  const result = spawnSync(process.execPath, [`${root}bin/run.js`, '--help'], {
    encoding: 'utf8',
    env: {...buildEnv, KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1', NO_COLOR: '1'},
  });
  if (result.status !== 0) throw new Error(`generating help failed (${result.status}): ${result.stderr}`);
  const userAgent = spawnSync(process.execPath, [`${root}bin/run.js`, '--version'], {encoding: 'utf8'}).stdout.trim();
  return result.stdout.replaceAll(userAgent, '@@USER_AGENT@@');
}

/** Each command's help from oclif itself (command id → text), user agent replaced as in generateHelp. */
export function generateCommandHelp(ids) {
  const env = {...buildEnv, KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1', NO_COLOR: '1'};
  const userAgent = spawnSync(process.execPath, [`${root}bin/run.js`, '--version'], {encoding: 'utf8'}).stdout.trim();
  const help = {};
  for (const id of ids.sort()) {
    const result = spawnSync(process.execPath, [`${root}bin/run.js`, ...id.split(':'), '--help'], {encoding: 'utf8', env});
    if (result.status !== 0) throw new Error(`generating the help of ${id} failed (${result.status}): ${result.stderr}`);
    help[id] = result.stdout.replaceAll(userAgent, '@@USER_AGENT@@');
  }
  return help;
}
