// A copy of the repository as a newcomer gets it: `git clone` of this checkout, with
// the working tree's uncommitted changes laid over it (so a test run before a commit
// tests what will be committed), and nothing else: no node_modules, no dist/.
import {copyFileSync, mkdirSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {repoRoot, runProcess} from './support.js';

export async function cleanClone(destination: string): Promise<void> {
  const clone = await runProcess('git', ['clone', '--quiet', repoRoot, destination], {timeoutMs: 120_000});
  if (clone.code !== 0) throw new Error(`git clone failed: ${clone.stderr}`);
  const list = async (...args: string[]) => (await runProcess('git', ['ls-files', '-z', ...args])).stdout.split('\0').filter(Boolean);
  const deleted = new Set(await list('--deleted'));
  for (const file of deleted) rmSync(join(destination, file), {force: true});
  for (const file of [...(await list('--modified')), ...(await list('--others', '--exclude-standard'))]) {
    if (deleted.has(file)) continue;
    mkdirSync(dirname(join(destination, file)), {recursive: true});
    copyFileSync(join(repoRoot, file), join(destination, file));
  }
}

/** The environment of a user's shell: no npm_* variables from the npm that started the tests. */
export function userShellEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) if (/^npm_/i.test(key)) env[key] = undefined;
  return {...env, ...extra};
}
