import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {loadRulesFile, parseRules} from '../../src/cli/rules-file.js';
import {isKeyIgnored, isObjectIgnored, mergeIgnoreRules} from '../../src/core/ignore.js';

describe('ignore rules', () => {
  const rules = mergeIgnoreRules({keys: ['DB_HOST', '*.endpoint'], objects: ['*-local']}, {keys: ['app-*:LOG_LEVEL'], objects: []});

  it('matches key globs in every object', () => {
    expect(isKeyIgnored(rules, 'any', 'DB_HOST')).toBe(true);
    expect(isKeyIgnored(rules, 'any', 'payments.endpoint')).toBe(true);
    expect(isKeyIgnored(rules, 'any', 'DB_PORT')).toBe(false);
    expect(isKeyIgnored(rules, 'any', 'db_host')).toBe(false);
  });

  it('scopes OBJECT:KEY patterns to matching objects', () => {
    expect(isKeyIgnored(rules, 'app-config', 'LOG_LEVEL')).toBe(true);
    expect(isKeyIgnored(rules, 'web-config', 'LOG_LEVEL')).toBe(false);
  });

  it('matches object globs, dotfiles included', () => {
    expect(isObjectIgnored(rules, 'dev-local')).toBe(true);
    expect(isObjectIgnored(rules, 'dev')).toBe(false);
    expect(isKeyIgnored({keys: ['*'], objects: []}, 'x', '.hidden')).toBe(true);
  });

  it('merges flags with a missing rules file', () => {
    expect(mergeIgnoreRules(undefined, {keys: ['A'], objects: []})).toEqual({keys: ['A'], objects: []});
  });
});

describe('rules file', () => {
  const root = mkdtempSync(join(tmpdir(), 'configsync-rules-'));
  afterAll(() => rmSync(root, {recursive: true, force: true}));

  it('is found upward from the working directory', () => {
    const repo = join(root, 'repo');
    const deep = join(repo, 'a', 'b');
    mkdirSync(deep, {recursive: true});
    writeFileSync(join(repo, '.configsync.yaml'), 'ignore:\n  keys: [DB_HOST, "*.endpoint"]\n  objects: ["*-local"]\n');
    expect(loadRulesFile(undefined, deep)).toEqual({keys: ['DB_HOST', '*.endpoint'], objects: ['*-local']});
  });

  it('is read from an explicit path relative to the working directory', () => {
    writeFileSync(join(root, 'ci-rules.yaml'), 'ignore:\n  keys: [A]\n');
    expect(loadRulesFile('ci-rules.yaml', root)).toEqual({keys: ['A'], objects: []});
  });

  it('accepts an empty file and rejects malformed ones with a usage error', () => {
    expect(parseRules(null, 'f')).toEqual({keys: [], objects: []});
    expect(() => parseRules({ignore: 'DB_HOST'}, 'f')).toThrow(/expected "ignore:"/);
    expect(() => parseRules({ignore: {keys: [1]}}, 'f')).toThrow(/ignore.keys must be a list of strings/);
    writeFileSync(join(root, 'bad.yaml'), 'ignore: [unclosed\n');
    expect(() => loadRulesFile('bad.yaml', root)).toThrow(/rules file .*bad.yaml/);
    expect(() => loadRulesFile('missing.yaml', root)).toThrow(/rules file .*missing.yaml/);
  });
});
