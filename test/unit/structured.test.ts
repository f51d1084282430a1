import {describe, expect, it} from 'vitest';
import {diffStructured} from '../../src/core/structured.js';
import {renderPathChange} from '../../src/ui/render-diff.js';
import {createTheme} from '../../src/ui/theme.js';

describe('diffStructured', () => {
  it('compares YAML values path by path', () => {
    const before = 'server:\n  port: 8080\n  host: a\ncache:\n  ttl: 300s\nlist: [1, 2]\n';
    const after = 'server:\n  port: 9090\n  host: a\nlist: [1, 2, 3]\nextra: true\n';
    expect(diffStructured('app.yaml', before, after)).toEqual({
      format: 'yaml',
      changes: [
        {path: 'cache.ttl', change: 'removed', old: '300s'},
        {path: 'extra', change: 'added', new: 'true'},
        {path: 'list[2]', change: 'added', new: '3'},
        {path: 'server.port', change: 'changed', old: '8080', new: '9090'},
      ],
    });
  });

  it('detects YAML documents without a telling key name', () => {
    expect(diffStructured('config', 'a:\n  b: 1\n', 'a:\n  b: 2\n')).toEqual({
      format: 'yaml',
      changes: [{path: 'a.b', change: 'changed', old: '1', new: '2'}],
    });
  });

  it('compares JSON values, quoting keys that are not plain words', () => {
    const result = diffStructured(
      'settings.json',
      '{"a":{"x.y":1},"l":[1,2,3,4,5,6,7,8,9,10,11]}',
      '{"a":{"x.y":2},"l":[1,2,3,4,5,6,7,8,9,10,12]}',
    );
    expect(result).toEqual({
      format: 'json',
      changes: [
        {path: 'a."x.y"', change: 'changed', old: '1', new: '2'},
        {path: 'l[10]', change: 'changed', old: '11', new: '12'},
      ],
    });
  });

  it('detects JSON by its first character', () => {
    expect(diffStructured('payload', '{"enabled": true}', '{"enabled": false}')?.format).toBe('json');
  });

  it('compares .properties files, with ":" and "=" and comments', () => {
    const before = '# comment\nretry.max=5\nretry.backoff: 200ms\n! also a comment\npayments.endpoint=https://a\n';
    const after = 'retry.max=7\nretry.backoff: 200ms\nnew.key = x\n';
    expect(diffStructured('application.properties', before, after)).toEqual({
      format: 'properties',
      changes: [
        {path: 'new.key', change: 'added', new: 'x'},
        {path: 'payments.endpoint', change: 'removed', old: 'https://a'},
        {path: 'retry.max', change: 'changed', old: '5', new: '7'},
      ],
    });
  });

  it('compares .env files, with export and quotes', () => {
    const result = diffStructured('app.env', 'export A=1\nB="two words"\n# c\n', 'A=2\nB="two words"\nC=3\n');
    expect(result).toEqual({
      format: 'env',
      changes: [
        {path: 'A', change: 'changed', old: '1', new: '2'},
        {path: 'C', change: 'added', new: '3'},
      ],
    });
  });

  it('returns no changes when structured values are equal in meaning but not in text', () => {
    expect(diffStructured('a.json', '{"a": 1, "b": 2}', '{"b":2,"a":1}')).toEqual({format: 'json', changes: []});
  });

  it('gives up on one-line scalars, plain text and values that do not parse', () => {
    expect(diffStructured('LOG_LEVEL', 'info', 'debug')).toBeUndefined();
    expect(
      diffStructured(
        'nginx.conf',
        'worker_processes auto;\nevents { worker_connections 1024; }\n',
        'worker_processes 2;\nevents { worker_connections 1024; }\n',
      ),
    ).toBeUndefined();
    expect(diffStructured('broken.json', '{"a":', '{"a": 1}')).toBeUndefined();
    expect(diffStructured('a.yaml', 'just a string', 'another')).toBeUndefined();
  });
});

describe('type changes', () => {
  it('reports a change of type even when the text is the same, in YAML and JSON', () => {
    expect(diffStructured('app.yaml', 'server:\n  port: "8080"\n  tls: true\n', 'server:\n  port: 8080\n  tls: "true"\n')?.changes).toEqual(
      [
        {path: 'server.port', change: 'changed', old: '8080', new: '8080', oldType: 'string', newType: 'number'},
        {path: 'server.tls', change: 'changed', old: 'true', new: 'true', oldType: 'boolean', newType: 'string'},
      ],
    );
    expect(diffStructured('a.json', '{"t":"8080"}', '{"t":8080}')?.changes).toEqual([
      {path: 't', change: 'changed', old: '8080', new: '8080', oldType: 'string', newType: 'number'},
    ]);
    expect(diffStructured('a.json', '{"t":null}', '{"t":"null"}')?.changes).toMatchObject([{oldType: 'null', newType: 'string'}]);
  });

  it('says nothing about types when only the value changes', () => {
    expect(diffStructured('a.json', '{"t":1}', '{"t":2}')?.changes).toEqual([{path: 't', change: 'changed', old: '1', new: '2'}]);
  });

  it('renders a type change with quoted strings', () => {
    const [change] = diffStructured('a.json', '{"port":"8080"}', '{"port":8080}')!.changes;
    expect(renderPathChange(change, createTheme(false))).toBe('~ port: "8080" (string) → 8080 (number)');
  });
});
