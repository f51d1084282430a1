// A run touches only what was selected: unselected objects are neither checked nor written,
// and -l selects an object that carries the label on either side.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, configMap, createNamespaces, kubectlJson, runCli, uniqueName} from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const p = uniqueName('sel');
const [dev, staging] = [`${p}-dev`, `${p}-staging`];

function tlsSecret(namespace: string, type: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name: 'tls', namespace},
    type,
    stringData: {'tls.crt': 'cert', 'tls.key': 'key'},
  });
}

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', dev, staging));
  await apply('alpha', configMap(dev, 'app', {LOG_LEVEL: 'debug', OTHER: 'dev'}));
  await apply('alpha', configMap(staging, 'app', {LOG_LEVEL: 'info', OTHER: 'staging'}));
  await apply('alpha', tlsSecret(dev, 'kubernetes.io/tls'));
  await apply('alpha', tlsSecret(staging, 'Opaque'));
  await apply('alpha', configMap(dev, 'labelled', {K: 'new'}, {labels: {tier: 'web'}}));
  await apply('alpha', configMap(staging, 'labelled', {K: 'old'}));
});

describe('selection', () => {
  it('--keys LOG_LEVEL writes that key only: an untouched Secret whose type differs is not checked, nor recreated with --recreate', async () => {
    const tlsBefore = await kubectlJson(['--context', 'alpha', '-n', staging, 'get', 'secret', 'tls']);
    for (const extra of [[], ['--recreate']]) {
      const result = await runCli([
        'sync',
        '--context',
        'alpha',
        dev,
        staging,
        '--kind',
        'configmaps,secrets',
        '--keys',
        'LOG_LEVEL',
        '--yes',
        ...extra,
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
    const tls = await kubectlJson(['--context', 'alpha', '-n', staging, 'get', 'secret', 'tls']);
    expect(tls.type).toBe('Opaque');
    expect(tls.metadata.uid).toBe(tlsBefore.metadata.uid);
    expect(tls.metadata.resourceVersion).toBe(tlsBefore.metadata.resourceVersion);
    const app = await kubectlJson(['--context', 'alpha', '-n', staging, 'get', 'configmap', 'app']);
    expect(app.data).toEqual({LOG_LEVEL: 'debug', OTHER: 'staging'});
  });

  it('-l selects an object carrying the label on either side, and compares and syncs it on both', async () => {
    const diff = await runCli(['diff', '--context', 'alpha', dev, staging, '-l', 'tier=web', '-o', 'json']);
    expect(diff.code).toBe(1);
    const report = JSON.parse(diff.stdout);
    expect(report.objects.map((o: any) => [o.name, o.status])).toEqual([['labelled', 'different']]);
    // The reverse direction: the label is only on the target side now.
    const reverse = await runCli(['diff', '--context', 'alpha', staging, dev, '-l', 'tier=web', '-o', 'json']);
    expect(JSON.parse(reverse.stdout).objects.map((o: any) => [o.name, o.status])).toEqual([['labelled', 'different']]);

    const sync = await runCli(['sync', '--context', 'alpha', dev, staging, '-l', 'tier=web', '--all', '--yes']);
    expect(sync.code, sync.stderr).toBe(0);
    expect((await kubectlJson(['--context', 'alpha', '-n', staging, 'get', 'configmap', 'labelled'])).data).toEqual({K: 'new'});
  });
});
