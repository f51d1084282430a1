import {describe, expect, it} from 'vitest';
import {parseDotenv, parseProperties} from '../../src/core/line-formats.js';
import {diffStructured} from '../../src/core/structured.js';

const entries = (map: Map<string, string> | undefined) => (map ? Object.fromEntries(map) : undefined);

describe('.properties (java.util.Properties#load)', () => {
  it('unescapes separators in keys: key\\:colon=v is the key "key:colon"', () => {
    expect(entries(parseProperties('key\\:colon=v\nkey\\=eq:w\nwith\\ space = x\n'))).toEqual({
      'key:colon': 'v',
      'key=eq': 'w',
      'with space': 'x',
    });
  });

  it('takes "=", ":" and whitespace as separators, and the "key value" form', () => {
    expect(entries(parseProperties('a=1\nb: 2\nc 3\nd\t=\t4\ne\n'))).toEqual({a: '1', b: '2', c: '3', d: '4', e: ''});
  });

  it("joins continuation lines and drops the next line's leading whitespace", () => {
    expect(entries(parseProperties('list = a,\\\n       b,\\\n       c\nlast=\\\\\n'))).toEqual({list: 'a,b,c', last: '\\'});
  });

  it('skips # and ! comments and blank lines, and unescapes \\t \\n \\uXXXX', () => {
    expect(entries(parseProperties('# c\n  ! c\n\nmsg=tab\\there\\nnext \\u00e9\n'))).toEqual({msg: 'tab\there\nnext é'});
    expect(parseProperties('bad=\\u12\n')).toBeUndefined();
  });

  it('is strict when the format is only guessed from content', () => {
    expect(parseProperties('just some\ntext lines\n', {requireSeparator: true})).toBeUndefined();
  });

  it('drives the path-level diff of .properties values', () => {
    expect(
      diffStructured('app.properties', 'key\\:colon=v\nlist=a,\\\n  b\nname value\n', 'key\\:colon=w\nlist=a,\\\n  c\nname other\n')
        ?.changes,
    ).toEqual([
      {path: 'key:colon', change: 'changed', old: 'v', new: 'w'},
      {path: 'list', change: 'changed', old: 'a,b', new: 'a,c'},
      {path: 'name', change: 'changed', old: 'value', new: 'other'},
    ]);
  });
});

describe('.env (dotenv)', () => {
  it('reads export, quotes, inline comments and multi-line quoted values', () => {
    const text = [
      '# comment',
      'export A=1',
      'B = "two words" # trailing',
      "C='literal \\n $X'",
      'D="line1\\nline2"',
      'E=unquoted value # comment',
      'F="multi',
      'line"',
      'G=',
      'H=a#b',
    ].join('\n');
    expect(entries(parseDotenv(text))).toEqual({
      A: '1',
      B: 'two words',
      C: 'literal \\n $X',
      D: 'line1\nline2',
      E: 'unquoted value',
      F: 'multi\nline',
      G: '',
      H: 'a#b',
    });
  });

  it('refuses what is not .env', () => {
    expect(parseDotenv('not an assignment\n')).toBeUndefined();
    expect(parseDotenv('A="unclosed\n')).toBeUndefined();
  });
});
