import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, it} from 'vitest';

const src = join(import.meta.dirname, '..', '..', 'src');
/** The seam's mutating methods, and the client library's, by name. */
const MUTATIONS =
  /\.(createConfigObject|patchConfigObject|replaceConfigObject|deleteConfigObject|restartWorkload|(create|replace|patch|delete)Namespaced\w+)\s*\(/;
/** A request that changes something, sent through the transport (src/kube/transport.ts). */
const MUTATING_REQUEST = /method:\s*'(POST|PUT|PATCH|DELETE)'/;
/** The write path itself, and the seam that implements the requests. */
const ALLOWED = new Set(['kube/write-path.ts', 'kube/cluster.ts']);
/**
 * Writes that are not config writes, each allowed in one file and only for its own kind: the
 * controller's leader-election Lease and the Events it records on sources. Neither is a
 * ConfigMap or Secret, so neither has a "before" to journal or an owner to check.
 */
const NOT_CONFIG_WRITES: Record<string, RegExp> = {
  'kube/lease.ts': /method:\s*'(POST|PUT)', path: (this\.path|`\$\{this\.path\})/,
  'kube/events.ts': /method:\s*'POST', path: `\/api\/v1\/namespaces\/\$\{[^}]+\}\/events`/,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the one write path', () => {
  it('is the only code in src/ that calls a mutating method of the cluster seam or the client library', () => {
    const offenders: string[] = [];
    for (const file of files(src)) {
      const name = relative(src, file);
      if (ALLOWED.has(name)) continue;
      for (const [index, line] of readFileSync(file, 'utf8').split('\n').entries()) {
        if ((MUTATIONS.test(line) || MUTATING_REQUEST.test(line)) && !NOT_CONFIG_WRITES[name]?.test(line))
          offenders.push(`${name}:${index + 1}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('sends POST, PUT, PATCH and DELETE requests only from the seam (cluster.ts), each inside a mutating method or an access review', () => {
    const cluster = readFileSync(join(src, 'kube', 'cluster.ts'), 'utf8');
    const methods = [...cluster.matchAll(/^ {2}(?:async )?(\w+)\([^]*?^ {2}\}$/gm)]
      .filter((match) => MUTATING_REQUEST.test(match[0]))
      .map((match) => match[1])
      .sort();
    expect(methods).toEqual(['canI', 'createConfigObject', 'deleteConfigObject', 'patchConfigObject', 'restartWorkload']);
  });

  it('leaves the seam mutating only through methods the write path calls', () => {
    const writePath = readFileSync(join(src, 'kube', 'write-path.ts'), 'utf8');
    for (const method of ['createConfigObject', 'patchConfigObject', 'deleteConfigObject', 'restartWorkload'])
      expect(writePath).toContain(`api.${method}(`);
  });
});
