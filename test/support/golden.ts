// Golden files are compared, never written, by the tests. `npm run golden:update` (and only it)
// writes them, by running the golden tests with CONFIGSYNC_WRITE_GOLDENS=1; in that mode a
// golden test records and asserts nothing, and the script prints what changed for review.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {expect} from 'vitest';

export const goldenDir = join(import.meta.dirname, '..', '..', 'fixtures', 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = join(goldenDir, name);
  if (process.env.CONFIGSYNC_WRITE_GOLDENS === '1') {
    if (process.env.CI === 'true') throw new Error('golden files are never written in CI');
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, actual);
    return;
  }
  expect(existsSync(file), `fixtures/golden/${name} is missing; run npm run golden:update and review the diff`).toBe(true);
  expect(actual, `differs from fixtures/golden/${name}; if the change is intended, run npm run golden:update`).toBe(
    readFileSync(file, 'utf8'),
  );
}
