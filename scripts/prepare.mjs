// npm's `prepare` step: builds dist/ wherever npm prepares this package from source
// (`npm ci`/`npm install` in a clone, `npm pack`, and `npm install -g .`).
// A global install of a folder links the folder without installing its
// dependencies, yet runs this script there: the build's own dependencies are then
// installed first, from package-lock.json, with lifecycle scripts off (so this
// script is not run again and nothing else is downloaded).
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

if (!existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))) {
  console.error('kubectl-configsync: installing the build dependencies (npm ci --ignore-scripts) to build dist/');
  // The outer npm's settings (global, prefix, …) arrive as npm_config_*; they must not apply to this install.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)));
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  const result = spawnSync(npm[0], [...npm[1], 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`error: npm ci failed (exit ${result.status ?? result.signal}); run it in ${root} and install again`);
    process.exit(1);
  }
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {cwd: root, stdio: 'inherit'});
process.exit(build.status ?? 1);
