// A reader that stops early (`| head`) closes the pipe under a long output: the command ends
// quietly with its own exit code, as kubectl does, and prints no Node warning or stack trace.
import {afterAll, beforeAll, expect, it} from 'vitest';
import {apply, binPath, createNamespaces, kubeconfig, runProcess, uniqueName} from './support.js';

const ns = uniqueName('pipe');
let cleanup: () => Promise<void>;

beforeAll(async () => {
  cleanup = await createNamespaces('alpha', ns);
  // Far more than a pipe buffer (64 KiB) of YAML, so the writer meets the closed pipe.
  const data = Object.fromEntries(Array.from({length: 3000}, (_, i) => [`KEY_${i}`, 'x'.repeat(60)]));
  await apply('alpha', JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'big', namespace: ns}, data}));
});
afterAll(async () => cleanup?.());

it('diff -o yaml | head -2 ends quietly with the diff exit code', async () => {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = `set -o pipefail; ${[process.execPath, binPath, 'diff', `alpha/${ns}`, 'alpha/default', '-o', 'yaml'].map(quote).join(' ')} | head -2`;
  const result = await runProcess('bash', ['-c', command], {env: {KUBECONFIG: kubeconfig, NO_COLOR: '1'}});
  expect(result.stdout).toBe('apiVersion: configsync.kubectl.dev/v1alpha1\nkind: DiffReport\n');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
});
