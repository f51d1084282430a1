import {describe, expect, it} from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import {compareFigures, renderReliability} from '../../scripts/reliability-report.mjs';

const record = (figures: Record<string, number>) => ({
  suite: 'bounded-waits',
  title: 'Bounded waits',
  recordedAt: '2026-12-02T01:00:00.000Z',
  figures,
});

describe('the README check', () => {
  const committed = renderReliability([record({pluginStartsPerRun: 1, worstMsOneHung: 3000})]) as string;

  it('passes when the run produced what the README states, timings within the tolerance', () => {
    expect(compareFigures([record({pluginStartsPerRun: 1, worstMsOneHung: 4000})], committed)).toEqual([]);
  });

  it('fails when a count differs, in either direction', () => {
    expect(compareFigures([record({pluginStartsPerRun: 2, worstMsOneHung: 3000})], committed)).toEqual([
      expect.stringContaining('README states 1, this run produced 2'),
    ]);
    expect(compareFigures([record({pluginStartsPerRun: 0, worstMsOneHung: 3000})], committed)).toHaveLength(1);
  });

  it('fails when a timing is well beyond what the README states', () => {
    expect(compareFigures([record({pluginStartsPerRun: 1, worstMsOneHung: 12000})], committed)).toEqual([
      expect.stringContaining('README states 3000, this run measured 12000'),
    ]);
  });

  it('fails when the README states a figure the run did not produce, or lacks one it did', () => {
    expect(compareFigures([record({pluginStartsPerRun: 1})], committed)).toEqual([
      expect.stringContaining('which this run did not produce'),
    ]);
    expect(compareFigures([record({pluginStartsPerRun: 1, worstMsOneHung: 3000, overshootAt1sMs: 0})], committed)).toEqual([
      expect.stringContaining('README lacks'),
    ]);
  });
});
