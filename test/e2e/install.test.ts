// The npm package as users get it: packed, installed into an empty prefix, found by
// kubectl as a plugin, and fast paths that print exactly what oclif would.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {COMMANDS} from '../../src/commands.js';
import {apply, configMap, createNamespaces, kubeconfig, runCli, runProcess, uniqueName} from './support.js';

const nodeDir = dirname(process.execPath);
// Top-level commands; topic commands ("fanout status") are listed under their topic.
const COMMAND_IDS = Object.keys(COMMANDS).filter((id) => !/[: ]/.test(id));

describe('fast paths print what oclif prints', () => {
  const slow = {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'};
  it.each([['--help'], ['-h'], ['--version'], ['-v']])('%s', async (flag) => {
    const fast = await runCli([flag]);
    const oclif = await runCli([flag], {env: slow});
    expect(fast.code).toBe(0);
    expect(oclif.code).toBe(0);
    expect(fast.stdout).toBe(oclif.stdout);
    expect(fast.stdout).toMatch(flag.startsWith('-v') || flag === '--version' ? /^kubectl-configsync\/\d+\.\d+\.\d+ / : /USAGE\n  \$ kubectl configsync \[COMMAND\]/);
  });
});

describe('npm install of the packed tarball', () => {
  let work: string;
  let prefix: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'configsync-install-'));
    prefix = join(work, 'prefix');
    // dist/ is already built by the e2e run; packing must not rebuild it under other tests.
    const pack = await runProcess('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {timeoutMs: 120_000});
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    const install = await runProcess('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {timeoutMs: 180_000});
    expect(install.code, install.stderr).toBe(0);
    // The installed bin says `#!/usr/bin/env node`: Node 24 first on PATH.
    env = {PATH: [join(prefix, 'bin'), nodeDir, process.env.PATH].join(delimiter), KUBECONFIG: kubeconfig, NO_COLOR: '1'};
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('installs only what runs: the built bundle, no sources, tests, maps or dependencies', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'kubectl-configsync');
    const top = readdirSync(installed).sort();
    expect(top).toEqual(expect.arrayContaining(['LICENSE', 'bin', 'dist', 'package.json']));
    expect(top.filter((f) => !['LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'schema'].includes(f))).toEqual([]);
    const dist = readdirSync(join(installed, 'dist'));
    expect(dist).toContain('main.js');
    expect(dist).toContain('help.txt');
    expect(dist.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(readdirSync(join(prefix, 'bin')).sort()).toEqual(['kubectl-configsync', 'kubectl_complete-configsync']);
  });

  it('is found by kubectl plugin list', async () => {
    const result = await runProcess('/usr/bin/kubectl', ['plugin', 'list'], {env});
    expect(result.stdout).toContain(join(prefix, 'bin', 'kubectl-configsync'));
  });

  it('runs as kubectl configsync --help and lists the commands', async () => {
    const result = await runProcess('/usr/bin/kubectl', ['configsync', '--help'], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('$ kubectl configsync [COMMAND]');
    for (const id of COMMAND_IDS) expect(result.stdout).toMatch(new RegExp(`^  ${id} `, 'm'));
  });

  it('runs a diff against the test bed with the bundled Kubernetes client', async () => {
    const [a, b] = [uniqueName('inst-a'), uniqueName('inst-b')];
    const cleanup = await createNamespaces('alpha', a, b);
    try {
      await apply('alpha', configMap(a, 'app', {LOG_LEVEL: 'debug'}));
      await apply('alpha', configMap(b, 'app', {LOG_LEVEL: 'info'}));
      const result = await runProcess('/usr/bin/kubectl', ['configsync', 'diff', '--context', 'alpha', a, b], {env});
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('LOG_LEVEL');
    } finally {
      await cleanup();
    }
  });

  it('answers kubectl plugin completion through kubectl_complete-configsync', async () => {
    const result = await runProcess('/usr/bin/kubectl', ['__complete', 'configsync', 'diff', '--context', ''], {env});
    expect(result.stdout.split('\n')).toEqual(expect.arrayContaining(['alpha', 'alpha-viewer', 'beta', ':4']));
  });
});
