import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, it} from 'vitest';

const src = join(import.meta.dirname, '..', '..', 'src');
/** The seam's mutating methods, and the client library's, by name. */
const MUTATIONS =
  /\.(createConfigObject|patchConfigObject|replaceConfigObject|deleteConfigObject|restartWorkload|(create|replace|patch|delete)Namespaced\w+)\s*\(/;
/** The write path itself, and the seam that implements the requests. */
const ALLOWED = new Set(['kube/write-path.ts', 'kube/cluster.ts']);
/**
 * Writes that are not config writes, each allowed in one file and only for its own kind: the
 * controller's leader-election Lease and the Events it records on sources. Neither is a
 * ConfigMap or Secret, so neither has a "before" to journal or an owner to check.
 */
const NOT_CONFIG_WRITES: Record<string, RegExp> = {
  'kube/lease.ts': /\.(createNamespacedLease|replaceNamespacedLease)\s*\(/,
  'kube/events.ts': /\.createNamespacedEvent\s*\(/,
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
        if (MUTATIONS.test(line) && !NOT_CONFIG_WRITES[name]?.test(line)) offenders.push(`${name}:${index + 1}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('leaves the seam mutating only through methods the write path calls', () => {
    const writePath = readFileSync(join(src, 'kube', 'write-path.ts'), 'utf8');
    for (const method of ['createConfigObject', 'patchConfigObject', 'deleteConfigObject', 'restartWorkload'])
      expect(writePath).toContain(`api.${method}(`);
  });
});
