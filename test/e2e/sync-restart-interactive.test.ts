// Interactive `sync --restart` (#17, honest previews): the review lists the workloads that would
// restart, and those that need none, before the question; the question names the restarts; the
// answer restarts exactly what was listed, and nothing that appeared after it was shown.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {missingTool} from '../support/requirements.js';
import {apply, configMap, createNamespaces, kubectlJson, uniqueName} from './support.js';
import {container, list, restartedAt, workload} from './restart-support.js';
import {KEY, hasScript, runOnTerminal} from './terminal.js';

describe.skipIf(missingTool(hasScript, 'script (util-linux), which gives the CLI a pseudo-terminal'))(
  'sync --restart on a terminal',
  () => {
    const src = uniqueName('trst-src');
    const dst = uniqueName('trst-dst');
    const work = mkdtempSync(join(tmpdir(), 'configsync-restart-tty-'));
    let cleanup: () => Promise<void>;
    const readsKey = (key: string) => ({
      containers: [container('web', {env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'app', key}}}]})],
    });
    const DEPLOYMENTS = ['reads-log-level', 'reads-all', 'mounts-app', 'reads-other', 'late-reader'];

    beforeAll(async () => {
      cleanup = await createNamespaces('alpha', src, dst);
      await apply('alpha', configMap(src, 'app', {LOG_LEVEL: 'debug', OTHER: 'same'}));
      await apply(
        'alpha',
        list([
          JSON.parse(configMap(dst, 'app', {LOG_LEVEL: 'info', OTHER: 'same'})),
          workload('Deployment', dst, 'reads-log-level', readsKey('LOG_LEVEL')),
          workload('Deployment', dst, 'reads-all', {containers: [container('web', {envFrom: [{configMapRef: {name: 'app'}}]})]}),
          // A volume mount without subPath: the kubelet refreshes the files, no restart needed.
          workload('Deployment', dst, 'mounts-app', {
            volumes: [{name: 'conf', configMap: {name: 'app'}}],
            containers: [container('web', {volumeMounts: [{name: 'conf', mountPath: '/etc/app'}]})],
          }),
          // Reads a key the sync does not change: not a consumer of this change.
          workload('Deployment', dst, 'reads-other', readsKey('OTHER')),
        ]),
      );
    });

    afterAll(async () => {
      await cleanup?.();
      rmSync(work, {recursive: true, force: true});
    });

    it('lists the restarts before asking, names them in the question, and restarts exactly those', async () => {
      const {code, screen, frames} = await runOnTerminal(
        ['sync', `alpha/${src}`, `alpha/${dst}`, 'app', '--keys', 'LOG_LEVEL', '--restart'],
        [
          {
            waitFor: /Write 1 object to alpha\/\S+ and restart 2 workloads\? \(y\/N\)/,
            frameFrom: 'Sync plan',
            // A consumer that appears while the question waits was not in the preview: the answer does not cover it.
            before: () => apply('alpha', JSON.stringify(workload('Deployment', dst, 'late-reader', readsKey('LOG_LEVEL')))),
            keys: ['y', KEY.enter],
          },
        ],
        {XDG_STATE_HOME: join(work, 'state')},
        120,
      );
      expect(code, screen).toBe(0);

      // Before the question: the plan, then the restart preview, as the dry-run preview shows it.
      const [beforeQuestion] = frames;
      const question = beforeQuestion.indexOf('Write 1 object');
      const preview = beforeQuestion.slice(beforeQuestion.indexOf('Consumers of'), question);
      expect(beforeQuestion.indexOf('~ LOG_LEVEL: info → debug')).toBeLessThan(beforeQuestion.indexOf('Consumers of'));
      expect(preview).toContain('(to be confirmed: nothing restarted yet)');
      expect(preview).toMatch(/deployment\/mounts-app\s+no restart needed/);
      expect(preview).not.toContain('reads-other');
      const previewed = [...preview.matchAll(/deployment\/(\S+)\s+would restart/g)].map((m) => m[1]).sort();
      expect(previewed).toEqual(['reads-all', 'reads-log-level']);

      // What was restarted, read back from the cluster, is what was previewed.
      const restarted: string[] = [];
      for (const name of DEPLOYMENTS) if (await restartedAt('Deployment', dst, name)) restarted.push(name);
      expect(restarted.sort()).toEqual(previewed);
      // The late consumer is reported, not restarted.
      expect(screen).toMatch(/deployment\/late-reader\s+skipped[\s\S]*not in the preview that was confirmed/);
      expect((await kubectlJson(['--context', 'alpha', '-n', dst, 'get', 'configmap', 'app'])).data).toEqual({
        LOG_LEVEL: 'debug',
        OTHER: 'same',
      });
    });
  },
);
