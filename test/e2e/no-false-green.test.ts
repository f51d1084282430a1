// Exit 0 is a promise: what was named was found and compared. Names, selectors and
// location words that match nothing are usage errors (exit 2) that say so.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {kubeconfigWith} from './kubeconfigs.js';
import {apply, configMap, createNamespaces, kubectl, runCli, secret, uniqueName} from './support.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const p = uniqueName('nfg');
const [dev, staging, betaOnly] = [`${p}-dev`, `${p}-staging`, `${p}-beta`];

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', dev, staging));
  cleanups.push(await createNamespaces('beta', betaOnly));
  await apply('alpha', configMap(dev, 'app', {LOG_LEVEL: 'debug'}, {labels: {tier: 'web'}}));
  await apply('alpha', configMap(staging, 'app', {LOG_LEVEL: 'info'}));
  await apply('alpha', secret(dev, 's1', {password: 'a'}));
  await apply('alpha', secret(staging, 's1', {password: 'b'}));
});

const diff = (...args: string[]) => runCli(['diff', '--context', 'alpha', ...args]);

describe('no false green', () => {
  it('a NAME that matches nothing is exit 2, naming it; --allow-empty opts out', async () => {
    const typo = await diff(dev, staging, 'app-typo');
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(
      /^error: "app-typo" matched no object in alpha\/\S+ or alpha\/\S+ \(configmaps; write secret\/NAME for a Secret\); it is not a context, nor a namespace of context "alpha"; nothing was compared \(--allow-empty to accept\)\n$/,
    );
    const allowed = await diff(dev, staging, 'app-typo', '--allow-empty');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/total 0/);
  });

  it('TYPE/NAME pins the kind without --kind', async () => {
    const result = await diff(dev, staging, 'secret/s1');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/secret\/s1/i);
    expect(result.stdout).not.toMatch(/total 0/);
  });

  it('a third word that is a namespace only in another cluster is neither a location nor an object: exit 2', async () => {
    const result = await diff(dev, staging, betaOnly);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`"${betaOnly}" matched no object`);
    expect(result.stderr).toContain('it is not a context, nor a namespace of context "alpha"');
  });

  it('-l that selects nothing on either side is exit 2', async () => {
    const result = await diff(dev, staging, '-l', 'tier=nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: -l tier=nope matched no object in /m);
    expect((await diff(dev, staging, '-l', 'tier=nope', '--allow-empty')).code).toBe(0);
  });

  it('sync A B no-such-object --all --yes is exit 2 and writes nothing', async () => {
    const result = await runCli(['sync', '--context', 'alpha', dev, staging, 'no-such-object', '--all', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: "no-such-object" matched no object/m);
    expect(JSON.parse(await kubectl(['--context', 'alpha', '-n', staging, 'get', 'configmap', 'app', '-o', 'json'])).data).toEqual({
      LOG_LEVEL: 'info',
    });
  });

  it('only a 404 means "not a namespace": a 403 on the lookup is reported as the error it is', async () => {
    const user = `${p}-user`;
    for (const ns of [dev, staging])
      await kubectl(['--context', 'alpha', '-n', ns, 'create', 'rolebinding', 'edit', '--clusterrole=edit', `--user=${user}`]);
    const config = kubeconfigWith([{name: 'limited', like: 'alpha', as: user}]);
    cleanups.push(config.cleanup);
    const result = await runCli(['diff', '--kubeconfig', config.path, '--context', 'limited', dev, staging, 'prod']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: forbidden: cannot get namespace "prod" \(context "limited"\)/m);
  });
});
