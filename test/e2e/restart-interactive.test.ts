import {missingTool} from '../support/requirements.js';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, uniqueName} from './support.js';
import {KEY, hasScript, runOnTerminal} from './terminal.js';
import {cliRequests, container, list, restartedAt, revisions, waitForRevisions, workload} from './restart-support.js';

const stateHome = mkdtempSync(join(tmpdir(), 'configsync-restart-pty-'));

async function patchesOf(namespace: string, name: string): Promise<number> {
  return (await cliRequests(namespace)).filter((e) => e.verb === 'patch' && e.objectRef?.name === name).length;
}

describe.skipIf(missingTool(hasScript, 'script (util-linux), which gives the CLI a pseudo-terminal'))('restart on a terminal', () => {
  const ns = uniqueName('rtty');
  let cleanup: () => Promise<void>;
  const names = ['confirm', 'decline', 'interrupt'];

  beforeAll(async () => {
    cleanup = await createNamespaces('alpha', ns);
    await apply(
      'alpha',
      list(
        names.flatMap((name) => [
          JSON.parse(configMap(ns, name, {a: '1'})),
          workload('Deployment', ns, name, {containers: [container('web', {envFrom: [{configMapRef: {name}}]})]}),
        ]),
      ),
    );
    for (const name of names) await waitForRevisions('Deployment', ns, name, 1);
  });

  afterAll(async () => cleanup?.());

  it('shows the plan, asks, and restarts on "y"', async () => {
    const {code, screen} = await runOnTerminal(
      ['restart', 'configmap/confirm', '--context', 'alpha', '-n', ns],
      [{waitFor: /Restart 1 workload in alpha\/[^?]+\?/, keys: ['y', KEY.enter]}],
      {XDG_STATE_HOME: stateHome},
    );
    expect(code).toBe(0);
    // The preview (stderr) before the question, then the result table.
    expect(screen).toMatch(/deployment\/confirm\s+would restart\s+1\s+web: configmap\/confirm envFrom all keys/);
    expect(screen).toMatch(/deployment\/confirm\s+restarted\s+1/);
    expect(await restartedAt('Deployment', ns, 'confirm')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await waitForRevisions('Deployment', ns, 'confirm', 2)).toBe(2);
    expect(await patchesOf(ns, 'confirm')).toBe(1);
  });

  it('declining exits 5 and patches nothing', async () => {
    const {code, screen} = await runOnTerminal(
      ['restart', 'configmap/decline', '--context', 'alpha', '-n', ns],
      [{waitFor: /Restart 1 workload in alpha\/[^?]+\?/, keys: ['n', KEY.enter]}],
      {XDG_STATE_HOME: stateHome},
    );
    expect(code).toBe(5);
    expect(screen).toContain('error: declined: nothing was restarted');
    expect(await restartedAt('Deployment', ns, 'decline')).toBeUndefined();
    expect(await revisions('Deployment', ns, 'decline')).toBe(1);
    expect(await patchesOf(ns, 'decline')).toBe(0);
  });

  it('Ctrl-C at the question exits 130 and patches nothing', async () => {
    const {code, screen} = await runOnTerminal(
      ['restart', 'configmap/interrupt', '--context', 'alpha', '-n', ns],
      [{waitFor: /Restart 1 workload in alpha\/[^?]+\?/, keys: [KEY.ctrlC]}],
      {XDG_STATE_HOME: stateHome},
    );
    expect(code).toBe(130);
    expect(screen).toContain('error: interrupted at the prompt: nothing was written');
    expect(await restartedAt('Deployment', ns, 'interrupt')).toBeUndefined();
    expect(await revisions('Deployment', ns, 'interrupt')).toBe(1);
    expect(await patchesOf(ns, 'interrupt')).toBe(0);
  });
});
