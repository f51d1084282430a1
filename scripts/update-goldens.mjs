#!/usr/bin/env node
// `npm run golden:update`: rewrites the golden files from the current code (render functions
// and whole-command output against the test bed), then shows what changed. Review the diff
// before committing: a golden written from wrong output makes the wrong output the standard.
// The docs' golden blocks (scripts/doc-goldens.mjs) are refilled from the goldens.
import {spawnSync} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {DOC_FILES, fillDocBlocks} from './doc-goldens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.CI === 'true') {
  process.stderr.write('error: golden files are never written in CI\n');
  process.exit(2);
}
const tests = ['test/unit/diff-golden.test.ts', 'test/e2e/golden-output.test.ts', 'test/e2e/golden-loop.test.ts'];
const run = spawnSync('npx', ['vitest', 'run', ...tests], {
  cwd: root,
  stdio: 'inherit',
  env: {...process.env, CONFIGSYNC_WRITE_GOLDENS: '1'},
});
if (run.status !== 0) process.exit(run.status ?? 1);
// The docs' examples are copied from the goldens just written.
for (const file of DOC_FILES) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = fillDocBlocks(before, join(root, 'fixtures', 'golden'));
  if (after !== before) writeFileSync(path, after);
}
spawnSync('git', ['status', '--short', '--', 'fixtures/golden', ...DOC_FILES], {cwd: root, stdio: 'inherit'});
spawnSync('git', ['diff', '--stat', '--', 'fixtures/golden'], {cwd: root, stdio: 'inherit'});
process.stderr.write('golden files rewritten; review `git diff fixtures/golden` before committing\n');
