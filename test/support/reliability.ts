// Each hardening suite records what it tried and what held, so the README's
// reliability figures come from a test run, never from a hand edit.
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

export const reliabilityDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'reliability');

export type Figures = Record<string, number>;

/** Writes .cache/reliability/<suite>.json; scripts/reliability-report.mjs renders all of them. */
export function recordFigures(suite: string, title: string, figures: Figures, notes: string[] = []): void {
  mkdirSync(reliabilityDir, {recursive: true});
  const document = {suite, title, recordedAt: new Date().toISOString(), figures, notes};
  writeFileSync(join(reliabilityDir, `${suite}.json`), `${JSON.stringify(document, null, 2)}\n`);
}

/** Counts that tests bump as they go; recorded once in afterAll. */
export class Tally {
  readonly figures: Figures = {};

  add(name: string, by = 1): void {
    this.figures[name] = (this.figures[name] ?? 0) + by;
  }

  set(name: string, value: number): void {
    this.figures[name] = value;
  }
}
