// What the golden tests of whole commands share: the example environments loaded into a
// namespace, and output with what changes from run to run put back to fixed words.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {repoRoot} from './support.js';

export const environments = join(repoRoot, 'fixtures', 'environments');

/** The ConfigMaps and Secrets of an example environment, in `namespace`. */
export function load(environment: 'staging' | 'prod', namespace: string): string {
  return ['configmaps.yaml', 'secrets.yaml']
    .map((file) => readFileSync(join(environments, environment, file), 'utf8'))
    .join('\n---\n')
    .replaceAll(`namespace: ${environment}`, `namespace: ${namespace}`);
}

/** The output with what changes from run to run (paths, uids, run ids, times) replaced by fixed words. */
export function normalise(state: string, text: string): string {
  return text
    .replaceAll(repoRoot, '<repo>')
    .replaceAll(state, '<state>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'UID')
    .replace(/(resourceVersion"?: )(['"])\d+\2/g, '$1$2RV$2')
    .replace(/\b\d{8}T\d{6}Z?-[0-9a-f]{4,}\b/g, 'RUN-ID')
    .replace(/\b\d{8}-\d{6}-[0-9a-f]{6}\b/g, 'YYYYMMDD-HHMMSS-RUNID')
    .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, 'YYYY-MM-DDTHH:MM:SSZ')
    .replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, 'TIME');
}
