// A reader that stops early (`kubectl configsync … | head`, `2>&1 | head`) closes stdout or stderr
// while the command still prints: the command ends as it would have, with its own exit code and no
// stack trace, whether it started without oclif or through it.
import {spawn} from 'node:child_process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {apply, binPath, configMap, createNamespaces, kubeconfig, repoRoot, uniqueName} from './support.js';

const PATHS = [
  ['without oclif', {}],
  ['through oclif', {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'}],
] as const;

/** Runs the CLI with `closed` shut by the reader before the command prints anything; returns what the other stream got. */
function runWithClosed(
  closed: 'stdout' | 'stderr',
  args: string[],
  env: Record<string, string> = {},
): Promise<{code: number; other: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: repoRoot,
      env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child[closed].destroy();
    const other = closed === 'stdout' ? child.stderr : child.stdout;
    let text = '';
    other.setEncoding('utf8');
    other.on('data', (d: string) => (text += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code: code ?? (signal ? 128 : -1), other: text});
    });
  });
}

describe('stdout closed by the reader', () => {
  const lines: Array<[string, string[]]> = [
    ['a completion script', ['completion', 'bash']],
    ['the version', ['version']],
    ['the root help', ['--help']],
    ['the controller manifests', ['controller', 'manifests', '--namespace', 'configsync-system', '--from-annotations']],
  ];
  it.each(PATHS.flatMap(([path, env]) => lines.map(([name, words]) => [`${name} ${path}`, words, env] as const)))(
    '%s exits 0 without a stack trace',
    async (_name, words, env) => {
      const result = await runWithClosed('stdout', words, env);
      expect(result.other).not.toMatch(/EPIPE|\n\s+at |unsettled top-level await/);
      expect(result.code).toBe(0);
    },
  );
});

describe('stderr closed by the reader', () => {
  let a: string;
  let b: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    [a, b] = [uniqueName('closed-a'), uniqueName('closed-b')];
    cleanup = await createNamespaces('alpha', a, b);
    for (const namespace of [a, b]) await apply('alpha', configMap(namespace, 'app', {A: '1'}));
  });
  afterAll(async () => cleanup?.());

  // -v=6 logs every request on stderr: a closed stderr must not turn "identical" (0) into 1.
  it.each(PATHS)('an identical diff logging requests %s still exits 0 with its result on stdout', async (_path, env) => {
    const result = await runWithClosed('stderr', ['diff', '--context', 'alpha', a, b, '-v=6'], env);
    expect(result.other).toContain('identical');
    expect(result.code).toBe(0);
  });
});
