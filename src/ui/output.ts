import {dump as dumpYaml} from 'js-yaml';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** Machine-readable documents: stable key order is the caller's; we only serialise. */
export function renderDocument(document: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  return dumpYaml(document, {noRefs: true, lineWidth: -1, sortKeys: false});
}
