import {load} from 'js-yaml';
import {describe, expect, it} from 'vitest';
import {describeParseError} from '../../src/core/errors.js';

const errorOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('describeParseError', () => {
  const secret = 'OLDSECRET-hunter2';
  it('says where JSON broke, never what it said', () => {
    for (const text of [
      `{"password": ${secret}}`,
      `{"password": "${secret}"`,
      `{"password": "${secret}"} x`,
      `${secret}`,
      `{"a":\n "${secret}\u0001"}`,
    ]) {
      const message = describeParseError(errorOf(() => JSON.parse(text)));
      expect(message).toMatch(/^not JSON/);
      expect(message).not.toContain('OLDSECRET');
      expect(message).not.toContain('hunter');
    }
  });

  it('says where YAML broke, never what it said', () => {
    const message = describeParseError(
      errorOf(() => load(`password: "${secret}\nother: [`)),
      'JSON or YAML',
    );
    expect(message).toMatch(/^not JSON or YAML \(line \d+, column \d+/);
    expect(message).not.toContain('OLDSECRET');
  });
});
