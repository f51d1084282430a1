import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';

/**
 * The layers: commands → (controller →) actions → (ui, kube, files) → core, with no arrow upward.
 * cli is the commands' plumbing (flags, base command, completion); main.ts and commands.ts
 * sit on top. A folder not listed here fails the test until it is given a place.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

const MAY_IMPORT: Record<string, string[]> = {
  core: ['core'],
  ui: ['ui', 'core'],
  kube: ['kube', 'core'],
  files: ['files', 'core'],
  actions: ['actions', 'ui', 'kube', 'files', 'core'],
  controller: ['controller', 'actions', 'ui', 'kube', 'files', 'core'],
  cli: ['cli', 'actions', 'ui', 'kube', 'files', 'core'],
  // The controller is the fanout actions run continuously: commands start it like any action.
  commands: ['commands', 'cli', 'controller', 'actions', 'ui', 'kube', 'files', 'core'],
  top: ['top', 'commands', 'cli', 'controller', 'actions', 'ui', 'kube', 'files', 'core'],
};

/** Top-level modules that import nothing from src/: any layer but core may use them. */
const LEAVES = new Set(['phases.ts', 'version.ts']);

/** Libraries a layer must not use: the CLI framework stays in commands and cli, the client library in kube. */
const MAY_NOT_USE: Record<string, RegExp[]> = {
  core: [/^@oclif\//, /^@kubernetes\//, /^@inquirer\//],
  ui: [/^@oclif\//, /^@kubernetes\//],
  files: [/^@oclif\//, /^@kubernetes\//],
  actions: [/^@oclif\//, /^@kubernetes\//],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(file: string): string | undefined {
  const rel = relative(SRC, file);
  if (rel.startsWith('..')) return rel.startsWith('../schema/') || rel === '../package.json' ? 'data' : undefined;
  const first = rel.split('/')[0];
  if (first === rel) return 'top';
  return first;
}

/** Every module specifier of static imports, re-exports and dynamic import() calls. */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found;
}

/** Imports that load code at run time: `import type` and `export type` lines are erased by the compiler. */
function valueImportsOf(text: string): string[] {
  return importsOf(
    text
      .split('\n')
      .filter((line) => !/^\s*(?:import|export)\s+type\b/.test(line))
      .join('\n'),
  );
}

/**
 * Every source file and package loaded from the given files, following value imports. `skip`
 * files are not followed (main.ts imports oclif and the command registry for its fallback; the
 * modules of its direct path are given as starts).
 */
function loadedFrom(files: string[], {skip}: {skip: string[]}): {files: Set<string>; packages: Set<string>} {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [...files];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (skip.includes(file)) continue;
    for (const spec of valueImportsOf(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        continue;
      }
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (target.endsWith('.ts') && target.startsWith(SRC)) queue.push(target);
    }
  }
  return {files: seen, packages};
}

/** Arrows that break the layering, for the given files (path under ROOT, text). */
function violations(files: Array<{file: string; text: string}>): string[] {
  const problems: string[] = [];
  for (const {file, text} of files) {
    const from = layerOf(file)!;
    const allowed = MAY_IMPORT[from];
    const name = relative(ROOT, file);
    if (!allowed) {
      problems.push(`${name}: folder src/${from} has no place in the layers (test/unit/import-graph.test.ts)`);
      continue;
    }
    for (const spec of importsOf(text)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const to = layerOf(target);
        if (to === 'data') continue;
        // A top-level leaf (process instrumentation such as phases.ts) serves every layer but core.
        if (to === 'top' && from !== 'core' && LEAVES.has(relative(SRC, target).replace(/\.js$/, '.ts'))) continue;
        if (!to || !allowed.includes(to)) problems.push(`${name} → ${spec} (${from} may import ${allowed.join(', ')})`);
      } else if (MAY_NOT_USE[from]?.some((re) => re.test(spec))) problems.push(`${name} → ${spec} (not in ${from})`);
    }
  }
  return problems;
}

describe('import graph', () => {
  it('has no arrow upward: commands → actions → (ui, kube, files) → core', () => {
    const files = sourceFiles(SRC).map((file) => ({file, text: readFileSync(file, 'utf8')}));
    expect(files.length).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it('keeps the shared leaves leaves: they import nothing from src/ (package.json is data)', () => {
    for (const leaf of LEAVES)
      expect(importsOf(readFileSync(join(SRC, leaf), 'utf8')).filter((spec) => spec.startsWith('.') && spec !== '../package.json')).toEqual(
        [],
      );
  });

  it('starts every command without oclif: the direct path never loads it (only types are shared)', () => {
    const starts = ['main.ts', 'command-runs.ts', 'cli/direct-parse.ts', 'cli/command-io.ts', 'cli/command-line.ts'];
    const runs = sourceFiles(join(SRC, 'commands')).filter((file) => file.endsWith('-run.ts'));
    expect(runs.length).toBeGreaterThanOrEqual(10);
    const loaded = loadedFrom([...starts.map((file) => join(SRC, file)), ...runs], {skip: [join(SRC, 'main.ts')]});
    const frameworks = [...loaded.packages].filter((name) => name.startsWith('@oclif/'));
    expect(frameworks).toEqual([]);
    // main.ts loads oclif only for a line the manifest cannot read, by a dynamic import of its own.
    const fallback = valueImportsOf(readFileSync(join(SRC, 'main.ts'), 'utf8')).filter((spec) => spec.startsWith('@oclif/'));
    expect(new Set(fallback)).toEqual(new Set(['@oclif/core']));
  });

  it('sees every kind of import the check relies on', () => {
    const text = [
      "import {a} from '../core/a.js';",
      "import type {B} from '../cli/b.js';",
      'import {',
      '  c,',
      "} from '../actions/c.js';",
      "export {d} from './d.js';",
      "import './side-effect.js';",
      "const e = await import('../kube/e.js');",
    ].join('\n');
    expect(importsOf(text)).toEqual(['../core/a.js', '../cli/b.js', '../actions/c.js', './d.js', './side-effect.js', '../kube/e.js']);
  });

  it('reports an arrow upward, a framework below commands and a folder without a place', () => {
    const at = (path: string, text: string) => ({file: join(SRC, path), text});
    expect(
      violations([
        at('core/a.ts', "import {renderDiff} from '../ui/render-diff.js';"),
        at('ui/b.ts', "import type {SyncResult} from '../actions/sync/apply-sync.js';"),
        at('actions/sync/c.ts', "import {BaseCommand} from '../../cli/base-command.js';"),
        at('actions/d.ts', "import {Flags} from '@oclif/core';"),
        at('kube/e.ts', "import {x} from '../files/plan-file.js';"),
        at('newfolder/f.ts', ''),
        at('core/timing.ts', "import {markPhase} from '../phases.js';"),
        at('kube/ok.ts', "import {markPhase} from '../phases.js';"),
        at('core/ok.ts', "import {y} from './types.js'; import s from '../../schema/sync-plan.schema.json' with {type: 'json'};"),
        at('commands/ok.ts', "import {z} from '../actions/sync/sync-action.js';"),
      ]).map((line) => line.split(' ')[0]),
    ).toEqual([
      'src/core/a.ts',
      'src/ui/b.ts',
      'src/actions/sync/c.ts',
      'src/actions/d.ts',
      'src/kube/e.ts',
      'src/newfolder/f.ts:',
      'src/core/timing.ts',
    ]);
  });
});
