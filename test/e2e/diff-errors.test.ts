import {spawn} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {list} from './diff-support.js';
import {closedPort, kubeconfigWith, silentServer} from './kubeconfigs.js';
import {apply, binPath, configMap, createNamespaces, repoRoot, runCli, secret, uniqueName} from './support.js';

const ns = uniqueName('differr-a');
const other = uniqueName('differr-b');
let cleanup: () => Promise<void>;
let extra: {path: string; cleanup: () => void};
let silent: {port: number; close: () => Promise<void>};

beforeAll(async () => {
  cleanup = await createNamespaces('alpha', ns, other);
  await apply(
    'alpha',
    list(
      configMap(ns, 'a', {K: '1'}),
      configMap(other, 'a', {K: '1'}),
      configMap(ns, 'web', {K: '1'}, {labels: {app: 'web'}}),
      configMap(other, 'web', {K: '2'}, {labels: {app: 'web'}}),
      secret(ns, 's', {P: 'x'}),
    ),
  );
  silent = await silentServer();
  extra = kubeconfigWith([
    {name: 'down', server: `https://127.0.0.1:${await closedPort()}`, namespace: ns},
    {name: 'hung', server: `https://127.0.0.1:${silent.port}`, namespace: ns},
    {name: 'nobody', like: 'alpha', as: 'nobody'},
  ]);
});

afterAll(async () => {
  extra.cleanup();
  await silent.close();
  await cleanup();
});

/** One line on stderr, no stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('diff interrupted', () => {
  // A read-only command waiting on a hung API server: Ctrl-C and SIGTERM end it with 130, whichever path started it.
  it.each([
    ['SIGINT', 'without oclif', {}],
    ['SIGTERM', 'without oclif', {}],
    ['SIGTERM', 'through oclif', {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'}],
  ] as const)('%s %s: exit 130', async (signal, _path, env) => {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [binPath, 'diff', `hung/${ns}`, `alpha/${other}`, '--request-timeout', '60s'], {
        cwd: repoRoot,
        env: {...process.env, KUBECONFIG: extra.path, NO_COLOR: '1', ...env},
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      const kill = setTimeout(() => child.kill(signal), 2_000);
      const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (exit) => {
        clearTimeout(kill);
        clearTimeout(guard);
        resolve(exit);
      });
    });
    expect(code).toBe(130);
  });
});

describe('diff errors', () => {
  it('exit 0 and 1 for the verdict', async () => {
    expect((await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, 'a'])).code).toBe(0);
    expect((await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, 'a', 'secret/s', '--kind', 'all'])).code).toBe(1);
  });

  it('exit 2 for usage errors', async () => {
    const sameplace = await runCli(['diff', `alpha/${ns}`, `alpha/${ns}`]);
    expect(sameplace.code).toBe(2);
    expectOneLineError(sameplace.stderr, /source and target are the same place \(alpha\/.+\)/);

    const unknownContext = await runCli(['diff', `gamma/${ns}`, `alpha/${ns}`]);
    expect(unknownContext.code).toBe(2);
    expectOneLineError(unknownContext.stderr, /unknown context "gamma" in location "gamma\/.+" \(contexts: .*alpha/);

    const missing = uniqueName('nowhere');
    const unknownNamespace = await runCli(['diff', `alpha/${ns}`, `beta/${missing}`]);
    expect(unknownNamespace.code).toBe(2);
    expectOneLineError(unknownNamespace.stderr, new RegExp(`namespace "${missing}" not found in context "beta"`));
    expect(unknownNamespace.stdout).toBe('');

    const badFormat = await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, '-o', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/^error: .*xml/);

    const badKind = await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, '--kind', 'pods']);
    expect(badKind.code).toBe(2);
    expectOneLineError(badKind.stderr, /--kind: unknown kind "pods"/);

    const oneWord = await runCli(['diff', `alpha/${ns}`]);
    expect(oneWord.code).toBe(2);
  });

  it('exit 3 with one line naming the context for an unreachable API server', async () => {
    const result = await runCli(['diff', 'down', `alpha/${other}`], {env: {KUBECONFIG: extra.path}});
    expect(result.code).toBe(3);
    expectOneLineError(result.stderr, /unreachable: cannot connect to the API server of context "down" \(ECONNREFUSED\)/);
    expect(result.stdout).toBe('');
  });

  it('exit 3 after --request-timeout for an API server that never answers', async () => {
    const result = await runCli(['diff', `alpha/${other}`, 'hung', '--request-timeout', '1s'], {
      env: {KUBECONFIG: extra.path},
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(3);
    expectOneLineError(result.stderr, /timeout: the API server of context "hung" did not answer in time \(--request-timeout\)/);
  });

  it('exit 2 for a bad --request-timeout', async () => {
    const result = await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, '--request-timeout', 'soon']);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /--request-timeout: invalid duration "soon"/);
  });

  it('exit 3 with one line naming the context and namespace for a 403 on list', async () => {
    const result = await runCli(['diff', `nobody/${ns}`, `alpha/${other}`], {env: {KUBECONFIG: extra.path}});
    expect(result.code).toBe(3);
    expectOneLineError(
      result.stderr,
      new RegExp(`^error: forbidden: cannot list configmaps in namespace "${ns}" \\(context "nobody"\\): .*nobody`),
    );
    expect(result.stdout).toBe('');
  });

  it('narrows with -l/--selector', async () => {
    const web = await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, '-l', 'app=web', '-o', 'json']);
    expect(web.code).toBe(1);
    expect(JSON.parse(web.stdout).objects.map((o: {name: string}) => o.name)).toEqual(['web']);
    const rest = await runCli(['diff', `alpha/${ns}`, `alpha/${other}`, '--selector', 'app!=web']);
    expect(rest.code).toBe(0);
  });

  it('reads Secrets with the read-only alpha-viewer user', async () => {
    const result = await runCli(['diff', `alpha-viewer/${ns}`, `alpha-viewer/${other}`, '--kind', 'secrets', '-q']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('missing in target 1');
  });
});
