// A reader that stops early (`kubectl configsync … | head`) closes stdout while the command still
// prints: the command ends as it would have, with its own exit code and no stack trace, whether
// it started without oclif or through it.
import {spawn} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {binPath, kubeconfig, repoRoot, type RunResult} from './support.js';

/** Runs the CLI with stdout closed by the reader before the command prints anything. */
function runWithClosedStdout(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: repoRoot,
      env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({code: code ?? (signal ? 128 : -1), stdout: '', stderr});
    });
  });
}

describe('stdout closed by the reader', () => {
  const paths = [
    ['without oclif', {}],
    ['through oclif', {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'}],
  ] as const;
  const lines: Array<[string, string[]]> = [
    ['a completion script', ['completion', 'bash']],
    ['the version', ['version']],
    ['the root help', ['--help']],
    ['the controller manifests', ['controller', 'manifests', '--namespace', 'configsync-system', '--from-annotations']],
  ];
  it.each(paths.flatMap(([path, env]) => lines.map(([name, words]) => [`${name} ${path}`, words, env] as const)))(
    '%s exits 0 without a stack trace',
    async (_name, words, env) => {
      const result = await runWithClosedStdout(words, env);
      expect(result.stderr).not.toMatch(/EPIPE|\n\s+at |unsettled top-level await/);
      expect(result.code).toBe(0);
    },
  );
});
