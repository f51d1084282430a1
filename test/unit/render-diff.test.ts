import {describe, expect, it} from 'vitest';
import {diffLocations} from '../../src/core/diff.js';
import {diffFleet} from '../../src/core/fleet.js';
import {renderDiffReport, renderLineDiff} from '../../src/ui/render-diff.js';
import {renderFleetReport, shortenMiddle} from '../../src/ui/render-fleet.js';
import {shorten} from '../../src/ui/table.js';
import {createTheme, useColor} from '../../src/ui/theme.js';
import {cm, FLEET_LOCATIONS, fleetObjects, IGNORE, PROD, prodObjects, SALT, STAGING, stagingObjects} from './diff-fixtures.js';

const plain = createTheme(false);
const ESC = '\u001b[';
const report = () =>
  diffLocations(STAGING, PROD, stagingObjects(), prodObjects(), {
    kinds: ['ConfigMap', 'Secret'],
    showSecrets: false,
    salt: SALT,
    ignore: IGNORE,
  });
const fleet = () => diffFleet(FLEET_LOCATIONS, fleetObjects(), {kinds: ['ConfigMap', 'Secret'], showSecrets: false, salt: SALT});
const defaults = {context: 3, hideIdentical: false, quiet: false};

describe('renderDiffReport', () => {
  it('prints only the title and summary with quiet', () => {
    expect(renderDiffReport(report(), plain, {...defaults, quiet: true})).toBe(
      'ConfigMaps and Secrets: alpha/staging → beta/prod\nSummary: total 7 · identical 1 · different 3 · missing in target 2 · missing in source 1 · ignored 1 object, 1 key\n',
    );
  });

  it('lists identical objects in one line each, or hides them', () => {
    expect(renderDiffReport(report(), plain, defaults)).toMatch(/^configmap\/common {3}identical \(2 keys\)$/m);
    const hidden = renderDiffReport(report(), plain, {...defaults, hideIdentical: true});
    expect(hidden).not.toContain('configmap/common');
    expect(hidden).toContain('configmap/app-config   ~ different');
  });

  it('uses -C for the lines of context of value diffs', () => {
    const a = 'l1\nl2\nl3\nl4\nl5\nl6\nl7\n';
    const b = a.replace('l4', 'L4');
    expect(renderLineDiff('k', a, b, plain, 1).split('\n')).toEqual([
      '  --- target/k',
      '  +++ after-sync/k',
      '  @@ -3,3 +3,3 @@',
      '   l3',
      '  -l4',
      '  +L4',
      '   l5',
    ]);
    expect(renderLineDiff('k', a, b, plain, 0).split('\n').slice(2)).toEqual(['  @@ -4,1 +4,1 @@', '  -l4', '  +L4']);
  });

  it('never prints a masked Secret value', () => {
    const text = renderDiffReport(report(), plain, defaults);
    for (const value of ['s3cret-staging', 's3cret-prod', 'x1', 'x2']) expect(text).not.toContain(value);
    expect(text).toMatch(/password +different +\*\*\* \([0-9a-f]{8}\) +\*\*\* \([0-9a-f]{8}\)/);
  });

  it('paints only when colour is on', () => {
    expect(renderDiffReport(report(), plain, defaults)).not.toContain(ESC);
    expect(renderDiffReport(report(), createTheme(true), defaults)).toContain(ESC);
  });

  it('shortens long and multi-line values in table cells and escapes control characters', () => {
    expect(shorten('a\nb')).toBe('a↵b');
    expect(shorten('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(shorten('bell\u0007')).toBe('bell\\x07');
    const long = diffLocations(STAGING, PROD, [cm('s', 'a', {K: 'y'.repeat(500)})], [cm('p', 'a', {K: 'z'.repeat(500)})], {
      kinds: ['ConfigMap'],
      showSecrets: false,
      salt: SALT,
    });
    for (const line of renderDiffReport(long, plain, defaults).split('\n')) expect(line.length).toBeLessThan(120);
  });
});

describe('renderFleetReport', () => {
  it('prints only the summary with quiet and hides identical objects on request', () => {
    expect(renderFleetReport(fleet(), plain, {hideIdentical: false, quiet: true}).split('\n')).toHaveLength(3);
    const agreeing = diffFleet(
      FLEET_LOCATIONS,
      FLEET_LOCATIONS.map(() => [cm('x', 'same', {K: 'v'})]),
      {kinds: ['ConfigMap'], showSecrets: false, salt: SALT},
    );
    expect(renderFleetReport(agreeing, plain, {hideIdentical: false, quiet: false})).toMatch(
      /configmap\/same +A +A +A +A +identical \(1 key\)/,
    );
    expect(renderFleetReport(agreeing, plain, {hideIdentical: true, quiet: false})).not.toContain('configmap/same');
  });

  it('keeps both ends of long location names in column headers', () => {
    expect(shortenMiddle('arn:aws:eks:eu-west-1:123456789012:cluster/prod/web', 28)).toBe('arn:aws:e…2:cluster/prod/web');
    expect(shortenMiddle('alpha/dev', 28)).toBe('alpha/dev');
  });
});

describe('useColor', () => {
  const tty = {isTTY: true} as NodeJS.WriteStream;
  const pipe = {isTTY: false} as NodeJS.WriteStream;
  it('colours a terminal only, never with NO_COLOR or --no-color', () => {
    expect(useColor({stream: tty, env: {}})).toBe(true);
    expect(useColor({stream: pipe, env: {}})).toBe(false);
    expect(useColor({stream: tty, env: {NO_COLOR: '1'}})).toBe(false);
    expect(useColor({stream: tty, env: {}, noColor: true})).toBe(false);
  });
});

describe('long one-line values', () => {
  it('are shown again around their first difference', () => {
    const a = `${'a'.repeat(300)}OLD${'z'.repeat(300)}`;
    const b = `${'a'.repeat(300)}NEW${'z'.repeat(300)}`;
    const r = diffLocations(STAGING, PROD, [cm('s', 'x', {TOKEN: a})], [cm('p', 'x', {TOKEN: b})], {
      kinds: ['ConfigMap'],
      showSecrets: false,
      salt: SALT,
    });
    const text = renderDiffReport(r, plain, defaults);
    expect(text).toContain(`  TOKEN:\n  - …${'a'.repeat(20)}NEW${'z'.repeat(75)}…\n  + …${'a'.repeat(20)}OLD${'z'.repeat(75)}…\n`);
  });
});

describe('renderColumns', () => {
  it('pads to the widest cell, ignoring colour codes and counting wide characters twice', async () => {
    const {renderColumns, displayWidth} = await import('../../src/ui/columns.js');
    expect(
      renderColumns(
        ['A', 'B', 'C'],
        [
          ['x', 'yy', ''],
          ['long', '', 'z'],
        ],
        '  ',
      ),
    ).toBe('  A      B    C\n  x      yy\n  long        z');
    expect(displayWidth('\u001b[33mdiff\u001b[39m')).toBe(4);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('é')).toBe(1);
  });
});

describe('value details', () => {
  it('shows no line diff for a one-line JSON value that ends in a newline', () => {
    const r = diffLocations(
      STAGING,
      PROD,
      [cm('s', 'x', {'settings.json': '{"replicas": 2}\n'})],
      [cm('p', 'x', {'settings.json': '{"replicas": 3}\n'})],
      {kinds: ['ConfigMap'], showSecrets: false, salt: SALT},
    );
    const text = renderDiffReport(r, plain, defaults);
    expect(text).toContain('  settings.json (json):\n    ~ replicas: 3 → 2\n');
    expect(text).not.toContain('--- source/settings.json');
  });
});
