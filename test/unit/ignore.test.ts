import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {loadRulesFile, shownPath, unmatchedRules} from '../../src/files/rules-file.js';
import {UsageError} from '../../src/core/errors.js';
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

  const write = (name: string, text: string) => {
    writeFileSync(join(root, name), text);
    return name;
  };

  it('is found upward from the working directory', async () => {
    const repo = join(root, 'repo');
    const deep = join(repo, 'a', 'b');
    mkdirSync(deep, {recursive: true});
    writeFileSync(join(repo, '.configsync.yaml'), 'ignore:\n  keys: [DB_HOST, "*.endpoint"]\n  objects: ["*-local"]\n');
    expect(await loadRulesFile(undefined, deep)).toEqual({
      keys: ['DB_HOST', '*.endpoint'],
      objects: ['*-local'],
      file: join(repo, '.configsync.yaml'),
    });
  });

  it('is read from an explicit path relative to the working directory', async () => {
    expect(await loadRulesFile(write('ci-rules.yaml', 'ignore:\n  keys: [A]\n'), root)).toMatchObject({keys: ['A'], objects: []});
  });

  it('accepts an empty file and rejects malformed ones with a usage error', async () => {
    expect(await loadRulesFile(write('empty.yaml', ''), root)).toMatchObject({keys: [], objects: []});
    await expect(loadRulesFile(write('scalar.yaml', 'ignore: DB_HOST\n'), root)).rejects.toThrow(
      /ignore must be a mapping with "keys:" and "objects:"/,
    );
    await expect(loadRulesFile(write('numbers.yaml', 'ignore:\n  keys: [1]\n'), root)).rejects.toThrow(/ignore.keys\[0\] must be a string/);
    await expect(loadRulesFile(write('bad.yaml', 'ignore: [unclosed\n'), root)).rejects.toThrow(
      /rules file .*bad.yaml is not JSON or YAML \(line/,
    );
    await expect(loadRulesFile('missing.yaml', root)).rejects.toThrow(/rules file .*missing.yaml/);
  });

  it('is validated by its schema: unknown fields name the allowed ones, a list is refused', async () => {
    const unknownNested = loadRulesFile(write('typo.yaml', 'ignore:\n  key: [LOG]\n'), root);
    await expect(unknownNested).rejects.toThrow(/unknown field "ignore.key" \(allowed in ignore: keys, objects\)/);
    await expect(unknownNested).rejects.toBeInstanceOf(UsageError);
    await expect(loadRulesFile(write('top.yaml', 'ignored:\n  keys: [LOG]\n'), root)).rejects.toThrow(
      /unknown field "ignored" \(allowed: ignore\)/,
    );
    await expect(loadRulesFile(write('list.yaml', '- ignore:\n    keys: [LOG]\n'), root)).rejects.toThrow(
      /expected a mapping with "ignore:" \(allowed fields: ignore\), not a list/,
    );
  });

  it('names the rules that matched nothing', async () => {
    const rules = (await loadRulesFile(
      write('unused.yaml', 'ignore:\n  keys: [LOG, "web:DB_*", "*.yaml"]\n  objects: ["*-local", nothing]\n'),
      root,
    ))!;
    const warnings = unmatchedRules(rules, [
      {name: 'web', keys: ['DB_HOST', 'app.yaml']},
      {name: 'cache-local', keys: []},
    ]);
    // Outside the working directory, the file is named in full; under it, from there (the same in every checkout).
    expect(shownPath(join(process.cwd(), 'sub', 'r.yaml'))).toBe(join('sub', 'r.yaml'));
    expect(shownPath('/elsewhere/r.yaml', '/work/here')).toBe('/elsewhere/r.yaml');
    expect(warnings).toEqual([
      `warning: rules file ${join(root, 'unused.yaml')}: ignore.objects "nothing" matched nothing in this run`,
      `warning: rules file ${join(root, 'unused.yaml')}: ignore.keys "LOG" matched nothing in this run`,
    ]);
  });
});
