// The npm package as users get it: built from a fresh clone, installed into an empty
// prefix, found by kubectl as a plugin; and fast paths that print exactly what oclif would.
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {COMMANDS} from '../../src/commands.js';
import {cleanClone, userShellEnv} from './clean-clone.js';
import {apply, configMap, createNamespaces, kubeconfig, runCli, runProcess, uniqueName} from './support.js';

const nodeDir = dirname(process.execPath);
// Top-level commands; topic commands ("fanout status") are listed under their topic.
const COMMAND_IDS = Object.keys(COMMANDS).filter((id) => !/[: ]/.test(id));

describe('fast paths print what oclif prints', () => {
  const slow = {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'};
  it.each([['--help'], ['-h'], ['help'], ['--version'], ['version']])('%s', async (flag) => {
    const fast = await runCli([flag]);
    const oclif = await runCli([flag], {env: slow});
    expect(fast.code).toBe(0);
    expect(oclif.code).toBe(0);
    expect(fast.stdout).toBe(oclif.stdout);
    expect(fast.stdout).toMatch(
      flag.includes('version') ? /^kubectl-configsync\/\d+\.\d+\.\d+ / : /USAGE\n {2}\$ kubectl configsync \[COMMAND\]/,
    );
  });
});

// Commands start without oclif when the build's manifest reads their command line; oclif reads the
// rest. Both must do the same thing: the same output, the same errors, the same exit code.
describe('commands started without oclif do what oclif does', () => {
  const slow = {KUBECTL_CONFIGSYNC_NO_FAST_PATH: '1'};
  let a: string;
  let b: string;
  let cleanup: () => Promise<void>;
  let state: string;
  beforeAll(async () => {
    [a, b] = [uniqueName('direct-a'), uniqueName('direct-b')];
    cleanup = await createNamespaces('alpha', a, b);
    await apply('alpha', configMap(a, 'app', {LOG_LEVEL: 'debug', REPLICAS: '3', 'app.properties': 'mode=fast\nlevel=1\n'}));
    await apply('alpha', configMap(b, 'app', {LOG_LEVEL: 'info', REPLICAS: '3'}));
    await apply('alpha', configMap(a, 'only-source', {A: '1'}));
    state = mkdtempSync(join(tmpdir(), 'configsync-direct-state-'));
  });
  afterAll(async () => {
    await cleanup();
    rmSync(state, {recursive: true, force: true});
  });

  const lines = (): Array<[string, string[]]> => [
    ['a diff', ['diff', '--context', 'alpha', a, b]],
    [
      'a diff as JSON, flags in every form',
      ['diff', a, b, '--context=alpha', '-ojson', '-C', '1', '--ignore-key', 'REPLICAS', 'configmap/app'],
    ],
    ['a diff with kubectl flags before the command', ['--context', 'alpha', '-v=6', 'diff', a, b, '--hide-identical']],
    ['a sync dry run', ['sync', '--context', 'alpha', a, b, '--all', '--dry-run=client']],
    ['fanout status', ['fanout', 'status', 'configmap/app', '--context', 'alpha', '-n', a, '--to-namespace', b]],
    ['undo --list', ['undo', '--list', '-o', 'json']],
    ['a bad integer', ['diff', a, b, '--context', 'alpha', '-C', 'abc']],
    ['a missing argument', ['diff', a]],
    ['flags that exclude each other', ['sync', a, b, '--all', '--keys', 'A']],
    ['an unknown flag', ['diff', a, b, '--contxt', 'alpha']],
    ['a bad choice', ['diff', a, b, '-o', 'xml']],
  ];

  it.each(lines().map(([name], i) => [name, i] as const))('%s', async (_name, i) => {
    const words = lines()[i][1];
    const env = {XDG_STATE_HOME: state, KUBECTL_CONFIGSYNC_TIMING: '1'};
    const direct = await runCli(words, {env});
    const oclif = await runCli(words, {env: {...env, ...slow}});
    // What differs by run, not by path: the timing line, request times and their order (they run
    // concurrently), and the per-process salt's id.
    const withoutTiming = (text: string) =>
      text
        .split('\n')
        .filter((line) => !line.startsWith('timing: '))
        .map((line) => line.replace(/^I\d{4} [\d:.]+ +\d+ /, 'I ').replace(/ in \d+ milliseconds$/, ''))
        .sort()
        .join('\n');
    const withoutSalt = (text: string) => text.replace(/"saltId": "[0-9a-f]+"/g, '"saltId": "…"');
    expect(direct.code).toBe(oclif.code);
    expect(withoutSalt(direct.stdout)).toBe(withoutSalt(oclif.stdout));
    expect(withoutTiming(direct.stderr)).toBe(withoutTiming(oclif.stderr));
    const marks = (stderr: string) => JSON.parse(/^timing: (.*)$/m.exec(stderr)?.[1] ?? '{}') as Record<string, number>;
    // A usage error the manifest cannot read is worded by oclif; a line it reads never loads oclif.
    const usage = direct.code === 2;
    if (!usage) expect(Object.keys(marks(direct.stderr))).not.toContain('oclif');
    expect(Object.keys(marks(oclif.stderr))).toContain('oclif');
  });
});

// The README's and docs/install.md's npm paths, each from a fresh clone into an empty prefix.
const INSTALL_PATHS = [
  {
    name: 'npm install -g . in a fresh clone (a prepare script installs the build dependencies and builds dist/)',
    install: async (clone: string, prefix: string, env: Record<string, string | undefined>) => {
      const result = await runProcess('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '.'], {
        cwd: clone,
        env,
        timeoutMs: 400_000,
      });
      expect(result.code, result.stderr).toBe(0);
    },
    // A global install of a folder is a link to it.
    installed: (clone: string) => clone,
  },
  {
    name: 'npm pack in a fresh clone, then npm install -g of the tarball',
    install: async (clone: string, prefix: string, env: Record<string, string | undefined>) => {
      const pack = await runProcess('npm', ['pack', '--silent'], {cwd: clone, env, timeoutMs: 400_000});
      expect(pack.code, pack.stderr).toBe(0);
      const tarball = join(clone, pack.stdout.trim().split('\n').at(-1)!);
      const result = await runProcess('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], {
        cwd: clone,
        env,
        timeoutMs: 180_000,
      });
      expect(result.code, result.stderr).toBe(0);
    },
    installed: (_clone: string, prefix: string) => join(prefix, 'lib', 'node_modules', 'kubectl-configsync'),
  },
];

describe.each(INSTALL_PATHS)('$name', ({install, installed}) => {
  let work: string;
  let clone: string;
  let prefix: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'configsync-install-'));
    clone = join(work, 'kubectl-configsync');
    prefix = join(work, 'prefix');
    await cleanClone(clone);
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    expect(existsSync(join(clone, 'node_modules'))).toBe(false);
    // The installed bin says `#!/usr/bin/env node`: Node 24 first on PATH, as for a user with Node 24.
    env = userShellEnv({PATH: [join(prefix, 'bin'), nodeDir, process.env.PATH!].join(delimiter), KUBECONFIG: kubeconfig, NO_COLOR: '1'});
    await install(clone, prefix, env);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('installs both executables and the built bundle', () => {
    expect(readdirSync(join(prefix, 'bin')).sort()).toEqual(['kubectl-configsync', 'kubectl_complete-configsync']);
    const dist = readdirSync(join(installed(clone, prefix), 'dist'));
    expect(dist).toContain('main.js');
    expect(dist).toContain('help.txt');
    expect(dist).toContain('completion.json');
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

  it('runs a command through oclif: kubectl configsync diff --help', async () => {
    const result = await runProcess('/usr/bin/kubectl', ['configsync', 'diff', '--help'], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('$ kubectl configsync diff SOURCE TARGET');
  });

  it('runs a diff against the test bed with the bundled Kubernetes client', async () => {
    const [a, b] = [uniqueName('inst-a'), uniqueName('inst-b')];
    const cleanup = await createNamespaces('alpha', a, b);
    try {
      await apply('alpha', configMap(a, 'app', {LOG_LEVEL: 'debug'}));
      await apply('alpha', configMap(b, 'app', {LOG_LEVEL: 'info'}));
      const result = await runProcess('/usr/bin/kubectl', ['configsync', 'diff', '--context', 'alpha', a, b], {env, cwd: work});
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

describe('the packed package', () => {
  it('holds only what runs: the built bundle, no sources, tests, maps or dependencies', async () => {
    // dist/ is already built by the e2e run; packing must not rebuild it under other tests.
    const pack = await runProcess('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {timeoutMs: 120_000});
    expect(pack.code, pack.stderr).toBe(0);
    const files: string[] = JSON.parse(pack.stdout)[0].files.map((f: {path: string}) => f.path);
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(top).toEqual(expect.arrayContaining(['LICENSE', 'bin', 'dist', 'package.json']));
    expect(top.filter((f) => !['LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'schema'].includes(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['dist/main.js', 'dist/help.txt', 'dist/completion.json', 'bin/run.js', 'bin/complete.js']),
    );
  });
});
