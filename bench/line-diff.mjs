// Worst case of the value line diff: two completely different values of N lines
// (every line differs), rendered as `diff` renders them, beside GNU diff on the same
// two files and jsdiff without bounds, measured in one run. Median of several rounds.
//
//   node bench/line-diff.mjs [--lines N] [--rounds N]
//
// Needs no test bed: the renderer is bundled from src/ on the fly with esbuild.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg('--lines', 5000);
const rounds = arg('--rounds', 5);

const bundle = await build({
  absWorkingDir: root,
  stdin: {
    contents:
      "export {renderLineDiff, LINE_DIFF_LIMITS} from './src/ui/render-diff.ts'; export {createTheme} from './src/ui/theme.ts'; export {structuredPatch} from 'diff';",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  write: false,
  logLevel: 'error',
});
const work = mkdtempSync(join(tmpdir(), 'configsync-bench-linediff-'));
const modulePath = join(work, 'render.mjs');
writeFileSync(modulePath, bundle.outputFiles[0].text);
const {renderLineDiff, LINE_DIFF_LIMITS, createTheme, structuredPatch} = await import(modulePath);

const lines = (tag) => Array.from({length: count}, (_, i) => `${tag}-${i}-${'x'.repeat(20)}`).join('\n') + '\n';
const a = lines('a');
const b = lines('b');
writeFileSync(join(work, 'a'), a);
writeFileSync(join(work, 'b'), b);
const theme = createTheme(false);

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
function time(fn, times = rounds) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const ours = time(() => renderLineDiff('value', a, b, theme, 3));
const gnu = time(() => spawnSync('diff', [join(work, 'a'), join(work, 'b')], {stdio: 'ignore'}));
const unbounded = time(() => structuredPatch('a', 'b', a, b, undefined, undefined, {context: 3}), 1);
rmSync(work, {recursive: true, force: true});

console.log(`Line diff, worst case: two values of ${count.toLocaleString('en-US')} lines, every line different (median of ${rounds})`);
console.log(
  `  kubectl configsync diff (bounded: ${LINE_DIFF_LIMITS.maxEditLength} edits, ${LINE_DIFF_LIMITS.timeoutMs} ms)  ${ours.toFixed(0)} ms`,
);
console.log(`  GNU diff on the same two files                           ${gnu.toFixed(0)} ms`);
console.log(`  jsdiff without bounds (one round)                        ${unbounded.toFixed(0)} ms`);
