// Release archives for krew: release/kubectl-configsync_vX.Y.Z_<os>_<arch>.tar.gz for
// every platform of scripts/binary-format.mjs (the single executable and LICENSE), and
// release/configsync.yaml, the krew manifest with the version, download addresses and
// sha256 of each filled in. Run through `npm run release` (which builds every
// executable first); each executable's format is checked again before it is packed.
// Download address: --base-url URL, default the project's GitHub release of this version.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {load} from 'js-yaml';
import {checkExecutable, PLATFORMS} from './binary-format.mjs';
import {archiveName, fillManifest, validateKrewManifest} from './krew.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const release = join(root, 'release');
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const baseUrlArg = process.argv.indexOf('--base-url');
const baseUrl =
  baseUrlArg > 0 ? process.argv[baseUrlArg + 1] : `https://github.com/kubectl-configsync/kubectl-configsync/releases/download/v${version}`;

// linux-x64 is built at release/kubectl-configsync (what bench and tests run); the others in release/<platform>/.
const platforms = Object.entries(PLATFORMS).map(([name, platform]) => ({
  ...platform,
  name,
  binary: name === 'linux-x64' ? join(release, platform.executable) : join(release, name, platform.executable),
}));
const missing = platforms.filter((p) => !existsSync(p.binary));
if (missing.length > 0) throw new Error(`${missing.map((p) => p.binary).join(', ')} missing: run node scripts/build-binary.mjs --all`);
const sha256 = {};
for (const platform of platforms) {
  const stage = join(release, `stage-${platform.os}-${platform.arch}`);
  rmSync(stage, {recursive: true, force: true});
  mkdirSync(stage, {recursive: true});
  const problems = checkExecutable(readFileSync(platform.binary), platform.name);
  if (problems.length > 0) throw new Error(`${platform.binary}: ${problems.join('; ')}`);
  copyFileSync(platform.binary, join(stage, platform.executable));
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  const archive = join(release, archiveName(version, platform.os, platform.arch));
  // Reproducible: fixed order, owner and times, no name or time in the gzip header.
  const tar = execFileSync(
    'tar',
    ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, '-cf', '-', 'LICENSE', platform.executable],
    {maxBuffer: 1 << 30},
  );
  writeFileSync(archive, execFileSync('gzip', ['-n'], {input: tar, maxBuffer: 1 << 30}));
  rmSync(stage, {recursive: true, force: true});
  sha256[`${platform.os}/${platform.arch}`] = createHash('sha256').update(readFileSync(archive)).digest('hex');
  console.error(`${archive}  ${(readFileSync(archive).length / 1e6).toFixed(1)} MB  sha256 ${sha256[`${platform.os}/${platform.arch}`]}`);
}

const manifest = fillManifest(readFileSync(join(root, 'plugins', 'configsync.yaml'), 'utf8'), {version, baseUrl, sha256});
const problems = validateKrewManifest(load(manifest), 'configsync.yaml');
if (problems.length > 0) throw new Error(`release/configsync.yaml is not a valid krew manifest:\n  ${problems.join('\n  ')}`);
writeFileSync(join(release, 'configsync.yaml'), manifest);
console.error(`${join(release, 'configsync.yaml')}  (krew manifest for v${version})`);
