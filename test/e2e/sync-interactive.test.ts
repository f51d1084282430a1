import {missingTool} from '../support/requirements.js';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectl, uniqueName} from './support.js';
import {KEY, hasScript, runOnTerminal, type TerminalStep} from './terminal.js';

const stateHome = mkdtempSync(join(tmpdir(), 'configsync-pty-e2e-'));
const onTerminal = (args: string[], steps: TerminalStep[]) => runOnTerminal(args, steps, {XDG_STATE_HOME: stateHome});

async function data(namespace: string, name: string): Promise<Record<string, string>> {
  return JSON.parse(await kubectl(['--context', 'alpha', '-n', namespace, 'get', 'configmap', name, '-o', 'json'])).data ?? {};
}

describe.skipIf(missingTool(hasScript, 'script (util-linux), which gives the CLI a pseudo-terminal'))('sync on a terminal', () => {
  const src = uniqueName('tty-src');
  const dst = uniqueName('tty-dst');
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', src, dst);
  });
  afterAll(async () => cleanup?.());

  it('picks objects and keys with the keyboard, reviews, confirms, and writes exactly that', async () => {
    await apply('alpha', configMap(src, 'app', {A: 'new-a', B: 'new-b', C: 'new-c'}));
    await apply('alpha', configMap(dst, 'app', {A: 'old-a', B: 'old-b', C: 'old-c'}));
    await apply('alpha', configMap(src, 'other', {X: 'new-x', Y: 'new-y'}));
    await apply('alpha', configMap(dst, 'other', {X: 'old-x'}));
    const {code, screen} = await onTerminal(
      ['sync', `alpha/${src}`, `alpha/${dst}`, 'app', 'other'],
      [
        // Both objects: space, down, space, enter.
        {waitFor: /Objects to sync/, keys: [KEY.space, KEY.down, KEY.space, KEY.enter]},
        // app: keys A and C (the first row is "all different keys").
        {
          waitFor: /Keys of configmap\/app to write[\s\S]*C\s+different\s+old-c → new-c/,
          keys: [KEY.down, KEY.space, KEY.down, KEY.down, KEY.space, KEY.enter],
        },
        // other: "all different keys".
        {
          waitFor: /Keys of configmap\/other to write[\s\S]*all different keys \(2\)[\s\S]*Y\s+missing in target/,
          keys: [KEY.space, KEY.enter],
        },
        {waitFor: /Write 2 objects to alpha\/[^?]+\?/, keys: ['y', KEY.enter]},
      ],
    );
    expect(code).toBe(0);
    expect(screen).toContain('~ A: old-a → new-a');
    expect(screen).toContain('~ C: old-c → new-c');
    expect(screen).not.toContain('~ B:');
    expect(screen).toContain('+ Y: new-y');
    expect(await data(dst, 'app')).toEqual({A: 'new-a', B: 'old-b', C: 'new-c'});
    expect(await data(dst, 'other')).toEqual({X: 'new-x', Y: 'new-y'});
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    await apply('alpha', configMap(src, 'interrupt', {A: 'new'}));
    await apply('alpha', configMap(dst, 'interrupt', {A: 'old'}));
    const {code, screen} = await onTerminal(
      ['sync', `alpha/${src}`, `alpha/${dst}`, 'interrupt'],
      [
        {waitFor: /Objects to sync/, keys: [KEY.space, KEY.enter]},
        {waitFor: /Keys of configmap\/interrupt/, keys: [KEY.ctrlC]},
      ],
    );
    expect(code).toBe(130);
    expect(screen).toContain('nothing was written');
    expect(await data(dst, 'interrupt')).toEqual({A: 'old'});
  });

  it('declining the review exits 5 and writes nothing', async () => {
    await apply('alpha', configMap(src, 'decline', {A: 'new'}));
    await apply('alpha', configMap(dst, 'decline', {A: 'old'}));
    const {code, screen} = await onTerminal(
      ['sync', `alpha/${src}`, `alpha/${dst}`, 'decline', '--all'],
      [{waitFor: /Write 1 object to alpha\/[^?]+\?/, keys: ['n', KEY.enter]}],
    );
    expect(code).toBe(5);
    expect(screen).toContain('declined: nothing was written');
    expect(await data(dst, 'decline')).toEqual({A: 'old'});
  });

  it('does not overwrite a target changed while the user was reviewing, and offers a fresh diff', async () => {
    await apply('alpha', configMap(src, 'race-a', {A: 'new'}));
    await apply('alpha', configMap(dst, 'race-a', {A: 'old'}));
    await apply('alpha', configMap(src, 'race-b', {B: 'new'}));
    await apply('alpha', configMap(dst, 'race-b', {B: 'old'}));
    const {code, screen} = await onTerminal(
      ['sync', `alpha/${src}`, `alpha/${dst}`, 'race-a', 'race-b', '--all'],
      [
        {
          waitFor: /Write 2 objects to alpha\/[^?]+\?/,
          // Someone edits race-a after the plan was computed, before the user confirms.
          before: () =>
            kubectl([
              '--context',
              'alpha',
              '-n',
              dst,
              'patch',
              'configmap',
              'race-a',
              '--type',
              'merge',
              '-p',
              '{"data":{"A":"edited-meanwhile"}}',
            ]).then(() => undefined),
          keys: ['y', KEY.enter],
        },
        {waitFor: /configmap\/race-a changed in the target after it was read\. Show a fresh diff\?/, keys: ['y', KEY.enter]},
      ],
    );
    expect(code).toBe(4);
    expect(screen).toMatch(
      /error: conflict: configmap\/race-a in namespace "[^"]+" changed on the server after it was read \(context "alpha"\)/,
    );
    expect(screen).toMatch(/A\s+different\s+edited-meanwhile\s+new/);
    expect(await data(dst, 'race-a')).toEqual({A: 'edited-meanwhile'});
    expect(await data(dst, 'race-b')).toEqual({B: 'new'});
  });
});
