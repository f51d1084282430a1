import {describe, expect, it} from 'vitest';
import {credentialError} from '../../src/kube/errors.js';

describe('credential errors', () => {
  const token = 'tok-0123456789ab';
  let parseError: unknown;
  try {
    JSON.parse(token);
  } catch (error) {
    parseError = error;
  }

  it('never quote what an exec plugin printed, on stdout or stderr', () => {
    const fromStdout = credentialError('prod', parseError, 'aws');
    expect(fromStdout.message).toMatch(
      /^credentials: getting credentials for context "prod" failed: the exec credential plugin "aws" printed something that is not JSON.*, not an ExecCredential/,
    );
    expect(fromStdout.message).not.toContain('tok-');
    const fromStderr = credentialError('prod', new Error(`token ${token} expired`), 'aws');
    expect(fromStderr.message).toBe(
      'credentials: getting credentials for context "prod" failed: the exec credential plugin "aws" failed (its output is not shown: it may hold a token; run it yourself to see why)',
    );
  });

  it('quote system errors, which name files and commands, not their content', () => {
    const missing = Object.assign(new Error('spawn aws ENOENT'), {code: 'ENOENT', syscall: 'spawn aws'});
    expect(credentialError('prod', missing, 'aws').message).toBe(
      'credentials: getting credentials for context "prod" failed: spawn aws ENOENT',
    );
  });
});
