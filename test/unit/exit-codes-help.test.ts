// Each command's help lists only exit codes its code can return, each once, worded for it.
// What a command can return is read from its code: the modules its body imports (transitively).
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {describe, expect, it} from 'vitest';
import {COMMANDS} from '../../src/commands.js';

const SRC = resolve(import.meta.dirname, '../../src');

function importClosure(file: string): string[] {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const text = readFileSync(current, 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?\bfrom\s*['"](\.[^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
    ];
    for (const [, specifier] of specifiers) {
      const path = resolve(dirname(current), specifier.replace(/\.js$/, '.ts'));
      if (existsSync(path)) stack.push(path);
    }
  }
  return [...seen];
}

/** Command id → the file of its body, as src/command-runs.ts loads it. */
function runFiles(): Record<string, string> {
  const text = readFileSync(join(SRC, 'command-runs.ts'), 'utf8');
  return Object.fromEntries(
    [...text.matchAll(/^\s*'?([\w:]+)'?: async \(\) => direct\(\(await import\('\.\/([^']+)\.js'\)\)/gm)].map(([, id, path]) => [
      id,
      join(SRC, `${path}.ts`),
    ]),
  );
}

/** What the code of a command can end with, beyond 0 (done) and 2 (usage, from parsing). */
function returnableCodes(id: string, file: string, flags: string[]): Set<number> {
  const files = importClosure(file).filter((f) => !f.endsWith(join('core', 'errors.ts')));
  const uses = (pattern: RegExp) => files.some((f) => pattern.test(readFileSync(f, 'utf8')));
  // The cluster is reached through src/kube, or through the kubeconfig the CommandIO it is handed loads.
  const talksToCluster = files.some((f) => f.includes(`${join(SRC, 'kube')}/`)) || uses(/\.loadKubeconfig\(/);
  const codes = new Set([0, 2]);
  if (uses(/ExitCode\.differences\b/)) codes.add(1);
  if (talksToCluster || uses(/new (ClusterError|ConflictError|NotFoundError|StalePlanError)\b|ExitCode\.cluster\b/)) codes.add(3);
  if (uses(/ExitCode\.partial\b/)) codes.add(4);
  // Declining needs a prompt, which --yes answers.
  if (flags.includes('yes') && uses(/new DeclinedError\b|ExitCode\.declined\b/)) codes.add(5);
  // Any command that waits on the network can be interrupted (main.ts exits 130 on a signal).
  if (talksToCluster || uses(/new InterruptedError\b|ExitCode\.interrupted\b/)) codes.add(130);
  expect(codes.size, id).toBeGreaterThan(0);
  return codes;
}

function exitCodeLines(description: string): Array<{code: number; meaning: string}> {
  const section = description.split(/^EXIT CODES$/m)[1];
  if (!section) return [];
  const lines: Array<{code: number; meaning: string}> = [];
  for (const line of section.split('\n').slice(1)) {
    const match = /^ {2}(\d+)\s+(.*)$/.exec(line);
    if (!match) break;
    lines.push({code: Number(match[1]), meaning: match[2]});
  }
  return lines;
}

describe('exit codes in help', () => {
  const runs = runFiles();
  it('every command has a body file', () => {
    expect(Object.keys(runs).sort()).toEqual(Object.keys(COMMANDS).sort());
  });
  for (const [id, command] of Object.entries(COMMANDS)) {
    it(`${id}: only codes it can return, each once, worded for it`, () => {
      const flags = Object.keys(command.flags ?? {});
      const listed = exitCodeLines(command.description ?? '');
      if (id !== 'version') expect(listed.length, `${id} has an EXIT CODES section`).toBeGreaterThan(0);
      const codes = listed.map((l) => l.code);
      expect(new Set(codes).size, `${id}: a code listed twice`).toBe(codes.length);
      const returnable = returnableCodes(id, runs[id], flags);
      for (const code of codes) expect([...returnable], `${id} lists ${code}`).toContain(code);
      for (const {code, meaning} of listed) {
        if (/\bplan\b/.test(meaning)) expect(flags, `${id}: ${code} speaks of a plan`).toContain('plan');
        if (/conflict/.test(meaning)) expect(flags, `${id}: ${code} speaks of a write conflict`).toContain('dry-run');
      }
      // One signal, one outcome: SIGTERM cannot both stop cleanly (0) and interrupt (130).
      for (const signal of ['SIGTERM', 'SIGINT', 'Ctrl-C']) {
        const saying = listed.filter((l) => l.meaning.includes(signal)).map((l) => l.code);
        expect(saying.length, `${id}: ${signal} under ${saying.join(' and ')}`).toBeLessThanOrEqual(1);
      }
    });
  }
});
