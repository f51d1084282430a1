import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {execCredential, parseExecCredential, setExecPluginTimeout} from '../../src/kube/exec-credential.js';

const dir = mkdtempSync(join(tmpdir(), 'configsync-exec-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** A plugin that counts its starts in a file and prints `answer`. */
function plugin(name: string, answer: object | string, extra = ''): {command: string; starts: () => number} {
  const count = join(dir, `${name}.count`);
  const command = join(dir, `${name}.sh`);
  writeFileSync(join(dir, `${name}.json`), typeof answer === 'string' ? answer : JSON.stringify(answer));
  writeFileSync(command, `#!/bin/sh\necho start >> '${count}'\n${extra}\ncat '${join(dir, `${name}.json`)}'\n`);
  chmodSync(command, 0o755);
  return {command, starts: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length};
}

const credential = (status: object) => ({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status});

describe('exec credential plugins', () => {
  it('run once per user however many requests ask at once, until the credential expires', async () => {
    const lasting = plugin('lasting', credential({token: 't1', expirationTimestamp: new Date(Date.now() + 3_600_000).toISOString()}));
    const user = {name: 'lasting', exec: {command: lasting.command}};
    const answers = await Promise.all(Array.from({length: 5}, () => execCredential(user)));
    await execCredential(user);
    expect(answers.every((a) => a.token === 't1')).toBe(true);
    expect(lasting.starts()).toBe(1);

    const expired = plugin('expired', credential({token: 't2', expirationTimestamp: new Date(Date.now() - 1000).toISOString()}));
    const expiredUser = {name: 'expired', exec: {command: expired.command}};
    await execCredential(expiredUser);
    await execCredential(expiredUser);
    expect(expired.starts()).toBe(2);
  });

  it('stop a plugin that does not answer in time, and remember the failure for the run', async () => {
    setExecPluginTimeout(300);
    try {
      const hung = plugin('hung', credential({token: 'never'}), 'sleep 30');
      const user = {name: 'hung', exec: {command: hung.command}};
      const started = Date.now();
      await expect(execCredential(user)).rejects.toThrow(/did not answer within 0.3s/);
      expect(Date.now() - started).toBeLessThan(2000);
      await expect(execCredential(user)).rejects.toThrow(/did not answer/);
      expect(hung.starts()).toBe(1);
    } finally {
      setExecPluginTimeout(30_000);
    }
  });

  it('refuse wrong or malformed answers without quoting them', () => {
    const plugin = 'exec plugin "get-token"';
    const cases: Array<[string, RegExp]> = [
      ['not json secret-abc', /not JSON, not an ExecCredential/],
      ['["secret-abc"]', /not an object, not an ExecCredential/],
      [
        '{"kind":"Token","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"secret-abc"}}',
        /printed kind "Token", not an ExecCredential/,
      ],
      ['{"kind":"ExecCredential","apiVersion":"v1","status":{"token":"secret-abc"}}', /apiVersion/],
      ['{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"}', /without a status/],
      [
        '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"clientKeyData":"secret-abc"}}',
        /neither a token nor a client certificate/,
      ],
      [
        '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"secret-abc","expirationTimestamp":"soon"}}',
        /expirationTimestamp/,
      ],
    ];
    for (const [text, message] of cases) {
      let error: Error | undefined;
      try {
        parseExecCredential(text, plugin);
      } catch (caught) {
        error = caught as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).toContain(plugin);
      expect(error?.message).not.toContain('secret-abc');
    }
    expect(parseExecCredential(JSON.stringify(credential({token: 'ok'})), plugin)).toEqual({
      token: 'ok',
      clientCertificateData: undefined,
      clientKeyData: undefined,
      expirationTimestamp: undefined,
    });
  });
});
