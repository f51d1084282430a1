import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {load} from 'js-yaml';
import {describe, expect, it} from 'vitest';
import {archiveName, fillManifest, validateKrewManifest} from '../../scripts/krew.mjs';

const root = join(import.meta.dirname, '..', '..');
const templateText = readFileSync(join(root, 'plugins', 'configsync.yaml'), 'utf8');
const template = () => load(templateText) as any;
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const SHA = 'a'.repeat(64);
const PLATFORM_KEYS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'windows/amd64'];
const ALL_SHA = Object.fromEntries(PLATFORM_KEYS.map((k) => [k, SHA]));

describe('plugins/configsync.yaml', () => {
  it('follows krew manifest rules, with only checksum placeholders left for the release', () => {
    expect(validateKrewManifest(template(), 'configsync.yaml', {allowPlaceholders: true})).toEqual([]);
  });

  it('is not publishable until the release script fills the checksums', () => {
    expect(validateKrewManifest(template(), 'configsync.yaml')).toEqual([
      'spec.platforms[0].sha256 is still the placeholder @@SHA256_LINUX_AMD64@@: run the release script',
      'spec.platforms[1].sha256 is still the placeholder @@SHA256_LINUX_ARM64@@: run the release script',
      'spec.platforms[2].sha256 is still the placeholder @@SHA256_DARWIN_AMD64@@: run the release script',
      'spec.platforms[3].sha256 is still the placeholder @@SHA256_WINDOWS_AMD64@@: run the release script',
    ]);
  });

  it('names the version of package.json and the archive the release script writes', () => {
    const doc = template();
    expect(doc.spec.version).toBe(`v${pjson.version}`);
    expect(doc.spec.platforms[0].uri.endsWith(`/${archiveName(pjson.version, 'linux', 'amd64')}`)).toBe(true);
    expect(doc.spec.platforms[0].bin).toBe('kubectl-configsync');
    expect(doc.spec.platforms[0].files.map((f: {from: string}) => f.from).sort()).toEqual(['LICENSE', 'kubectl-configsync']);
  });

  it('offers linux/amd64, linux/arm64, darwin/amd64 and windows/amd64, each with its archive', () => {
    const doc = template();
    expect(doc.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`)).toEqual(PLATFORM_KEYS);
    for (const p of doc.spec.platforms) {
      const {os, arch} = p.selector.matchLabels;
      expect(p.uri.endsWith(`/${archiveName(pjson.version, os, arch)}`)).toBe(true);
      expect(p.bin).toBe(os === 'windows' ? 'kubectl-configsync.exe' : 'kubectl-configsync');
      expect(p.files.map((f: {from: string}) => f.from).sort()).toEqual(['LICENSE', p.bin]);
    }
  });

  it('is filled by the release: version, address and checksum', () => {
    const filled = fillManifest(templateText, {version: '1.2.3', baseUrl: 'https://example.test/dl/v1.2.3/', sha256: ALL_SHA});
    const doc = load(filled) as any;
    expect(validateKrewManifest(doc, 'configsync.yaml')).toEqual([]);
    expect(doc.spec.version).toBe('v1.2.3');
    expect(doc.spec.platforms[0].uri).toBe('https://example.test/dl/v1.2.3/kubectl-configsync_v1.2.3_linux_amd64.tar.gz');
    expect(doc.spec.platforms[0].sha256).toBe(SHA);
    // Comments and the rest of the text stay as written.
    expect(filled.split('\n').length).toBe(templateText.split('\n').length);
  });

  it('refuses to fill a platform the release did not build', () => {
    expect(() => fillManifest(templateText, {version: '1.2.3', baseUrl: 'https://example.test', sha256: {}})).toThrow(
      'no archive for linux/amd64',
    );
  });
});

describe('validateKrewManifest', () => {
  const valid = () => load(fillManifest(templateText, {version: '0.1.0', baseUrl: 'https://example.test', sha256: ALL_SHA})) as any;
  const cases: Array<[string, (doc: any) => void, string, string?]> = [
    [
      'wrong apiVersion',
      (d) => (d.apiVersion = 'krew.googlecontainertools.github.com/v1alpha1'),
      'apiVersion must be krew.googlecontainertools.github.com/v1alpha2',
    ],
    ['wrong kind', (d) => (d.kind = 'Tool'), 'kind must be Plugin'],
    [
      'name not matching the file',
      (d) => (d.metadata.name = 'config-sync'),
      'metadata.name "config-sync" must match the file name "configsync.yaml"',
    ],
    [
      'upper-case name',
      (d) => (d.metadata.name = 'ConfigSync'),
      'metadata.name must be lowercase letters, digits and dashes',
      'ConfigSync.yaml',
    ],
    ['version without v', (d) => (d.spec.version = '0.1.0'), 'spec.version must be a semantic version with a leading v (v1.2.3)'],
    ['version not semver', (d) => (d.spec.version = 'v1.2'), 'spec.version must be a semantic version with a leading v (v1.2.3)'],
    ['no short description', (d) => delete d.spec.shortDescription, 'spec.shortDescription is required'],
    ['long short description', (d) => (d.spec.shortDescription = 'x'.repeat(51)), 'spec.shortDescription should be at most 50 characters'],
    ['no caveats', (d) => delete d.spec.caveats, 'spec.caveats is required'],
    ['no platforms', (d) => (d.spec.platforms = []), 'spec.platforms must list at least one platform'],
    ['no selector', (d) => delete d.spec.platforms[0].selector, 'spec.platforms[0].selector.matchLabels must name os and arch'],
    ['unknown os', (d) => (d.spec.platforms[0].selector.matchLabels.os = 'plan9'), 'spec.platforms[0]: unknown os "plan9"'],
    ['http download', (d) => (d.spec.platforms[0].uri = 'http://example.test/a.tar.gz'), 'spec.platforms[0].uri must be an https URL'],
    ['short checksum', (d) => (d.spec.platforms[0].sha256 = 'abc'), 'spec.platforms[0].sha256 must be 64 lowercase hex digits'],
    [
      'bin outside the archive',
      (d) => (d.spec.platforms[0].bin = '../kubectl-configsync'),
      'spec.platforms[0].bin must be a relative path inside the archive',
    ],
    [
      '.exe on linux',
      (d) => (d.spec.platforms[0].bin = 'kubectl-configsync.exe'),
      'spec.platforms[0].bin: only windows binaries end in .exe',
    ],
  ];
  it.each(cases)('reports %s', (_, mutate, problem, fileName = 'configsync.yaml') => {
    const doc = valid();
    mutate(doc);
    expect(validateKrewManifest(doc, fileName)).toContain(problem);
  });

  it('reports a placeholder for another platform', () => {
    const doc = template();
    doc.spec.platforms[0].sha256 = '@@SHA256_DARWIN_ARM64@@';
    expect(validateKrewManifest(doc, 'configsync.yaml', {allowPlaceholders: true})).toEqual([
      'spec.platforms[0].sha256 placeholder @@SHA256_DARWIN_ARM64@@ names another platform',
    ]);
  });
});
