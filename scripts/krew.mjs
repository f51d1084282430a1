// krew plugin manifests: the rules krew's index validation applies, and filling in
// the version, download addresses and checksums of a release.

export const KREW_API_VERSION = 'krew.googlecontainertools.github.com/v1alpha2';
/** A checksum still to be filled by the release script, e.g. @@SHA256_LINUX_AMD64@@. */
export const SHA256_PLACEHOLDER = /^@@SHA256_([A-Z0-9]+)_([A-Z0-9]+)@@$/;
const SHA256 = /^[0-9a-f]{64}$/;
// krew: "v" then semantic version, as in v1.2.3 or v1.2.3-rc.1.
const VERSION = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const KNOWN_OS = new Set(['linux', 'darwin', 'windows']);
const KNOWN_ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x']);

/**
 * Problems with a parsed manifest (empty when valid). `fileName` is the manifest's
 * file name: krew requires metadata.name to match it. Placeholders are allowed only
 * when `allowPlaceholders` (the template in the repository).
 */
export function validateKrewManifest(doc, fileName, {allowPlaceholders = false} = {}) {
  const problems = [];
  const fail = (text) => problems.push(text);
  if (doc?.apiVersion !== KREW_API_VERSION) fail(`apiVersion must be ${KREW_API_VERSION}`);
  if (doc?.kind !== 'Plugin') fail('kind must be Plugin');
  const name = doc?.metadata?.name;
  if (typeof name !== 'string' || !NAME.test(name)) fail('metadata.name must be lowercase letters, digits and dashes');
  const expected = fileName.replace(/\.yaml$/, '');
  if (name !== expected) fail(`metadata.name "${name}" must match the file name "${expected}.yaml"`);
  const spec = doc?.spec ?? {};
  if (typeof spec.version !== 'string' || !VERSION.test(spec.version))
    fail('spec.version must be a semantic version with a leading v (v1.2.3)');
  if (typeof spec.shortDescription !== 'string' || !spec.shortDescription.trim()) fail('spec.shortDescription is required');
  else if (spec.shortDescription.length > 50) fail('spec.shortDescription should be at most 50 characters');
  else if (/kubectl|plugin/i.test(spec.shortDescription)) fail('spec.shortDescription should not repeat "kubectl" or "plugin"');
  if (typeof spec.description !== 'string' || !spec.description.trim()) fail('spec.description is required');
  if (typeof spec.caveats !== 'string' || !spec.caveats.trim()) fail('spec.caveats is required');
  if (spec.homepage !== undefined && !isHttps(spec.homepage)) fail('spec.homepage must be an https URL');
  if (!Array.isArray(spec.platforms) || spec.platforms.length === 0) fail('spec.platforms must list at least one platform');
  const seen = new Set();
  for (const [i, platform] of (spec.platforms ?? []).entries()) {
    const at = `spec.platforms[${i}]`;
    const labels = platform?.selector?.matchLabels;
    if (!labels || !labels.os || !labels.arch) {
      fail(`${at}.selector.matchLabels must name os and arch`);
    } else {
      if (!KNOWN_OS.has(labels.os)) fail(`${at}: unknown os "${labels.os}"`);
      if (!KNOWN_ARCH.has(labels.arch)) fail(`${at}: unknown arch "${labels.arch}"`);
      const key = `${labels.os}/${labels.arch}`;
      if (seen.has(key)) fail(`${at}: ${key} is listed twice`);
      seen.add(key);
    }
    if (!isHttps(platform?.uri)) fail(`${at}.uri must be an https URL`);
    else if (!/\.(tar\.gz|tgz|zip)$/.test(platform.uri)) fail(`${at}.uri must point at a .tar.gz or .zip archive`);
    const sha = platform?.sha256;
    const placeholder = typeof sha === 'string' && SHA256_PLACEHOLDER.exec(sha);
    if (placeholder) {
      if (!allowPlaceholders) fail(`${at}.sha256 is still the placeholder ${sha}: run the release script`);
      else if (
        labels &&
        `${placeholder[1]}_${placeholder[2]}` !== `${String(labels.os).toUpperCase()}_${String(labels.arch).toUpperCase()}`
      ) {
        fail(`${at}.sha256 placeholder ${sha} names another platform`);
      }
    } else if (typeof sha !== 'string' || !SHA256.test(sha)) fail(`${at}.sha256 must be 64 lowercase hex digits`);
    const bin = platform?.bin;
    if (typeof bin !== 'string' || !bin || bin.includes('..') || bin.startsWith('/'))
      fail(`${at}.bin must be a relative path inside the archive`);
    else if (labels?.os === 'windows' ? !bin.endsWith('.exe') : bin.endsWith('.exe')) fail(`${at}.bin: only windows binaries end in .exe`);
    for (const [j, file] of (platform?.files ?? []).entries()) {
      if (!file?.from || !file?.to) fail(`${at}.files[${j}] needs from and to`);
      else if (String(file.to).includes('..')) fail(`${at}.files[${j}].to must stay inside the plugin directory`);
    }
  }
  return problems;
}

/** The archive a release publishes for one platform. */
export function archiveName(version, os, arch) {
  return `kubectl-configsync_v${version.replace(/^v/, '')}_${os}_${arch}.tar.gz`;
}

/**
 * The manifest text of a release: the template with the version, each platform's
 * download address (baseUrl + archive name) and checksum filled in.
 */
export function fillManifest(template, {version, baseUrl, sha256}) {
  const v = `v${version.replace(/^v/, '')}`;
  return template
    .replace(/^(\s*version:\s*).*$/m, `$1${v}`)
    .replace(
      /^(\s*uri:\s*).*\/kubectl-configsync_[^/\s]*_([a-z0-9]+)_([a-z0-9]+)\.tar\.gz\s*$/gm,
      (_, lead, os, arch) => `${lead}${baseUrl.replace(/\/$/, '')}/${archiveName(v, os, arch)}`,
    )
    .replace(/"@@SHA256_([A-Z0-9]+)_([A-Z0-9]+)@@"/g, (whole, os, arch) => {
      const value = sha256[`${os.toLowerCase()}/${arch.toLowerCase()}`];
      if (!value) throw new Error(`no archive for ${os.toLowerCase()}/${arch.toLowerCase()} to fill ${whole}`);
      return value;
    });
}

function isHttps(value) {
  try {
    return typeof value === 'string' && new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}
