import {afterAll, beforeAll, expect, it} from 'vitest';
import {list, ourRequests, type AuditEvent} from './diff-support.js';
import {apply, configMap, createNamespaces, runCli, secret, uniqueName} from './support.js';

const source = uniqueName('diffreq-src');
const target = uniqueName('diffreq-dst');
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cleanups.push(await createNamespaces('alpha', source));
  cleanups.push(await createNamespaces('beta', target));
  const objects = (ns: string, value: string) =>
    list(...Array.from({length: 25}, (_, i) => configMap(ns, `cm-${i}`, {K: value, I: String(i)})), secret(ns, 's', {P: value}));
  await apply('alpha', objects(source, 'a'));
  await apply('beta', objects(target, 'b'));
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const summary = (events: AuditEvent[]) =>
  events.map((e) => `${e.verb} ${e.objectRef?.resource}${e.objectRef?.name ? `/${e.objectRef.name}` : ''}`).sort();

it('reads each side with one LIST per kind (and one GET of the namespace), never a GET per object', async () => {
  const result = await runCli(['diff', `alpha/${source}`, `beta/${target}`, '--kind', 'configmaps,secrets', '-q']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('Summary: total 26 · identical 0 · different 26');
  expect(summary(await ourRequests('alpha', [source]))).toEqual([`get namespaces/${source}`, 'list configmaps', 'list secrets']);
  expect(summary(await ourRequests('beta', [target]))).toEqual([`get namespaces/${target}`, 'list configmaps', 'list secrets']);
});
