import type {FleetCell, FleetGroup, FleetKeyRow, FleetObject, FleetReport} from '../core/fleet.js';
import {locationName, objectRef} from '../core/types.js';
import {renderColumns} from './columns.js';
import {sha256} from '../core/fingerprint.js';
import {renderDiffReport} from './render-diff.js';
import {markInvisible, showValue} from './table.js';
import type {Theme} from './theme.js';
import {counted} from '../core/words.js';

export interface FleetRenderOptions {
  hideIdentical: boolean;
  /** Only the summary. */
  quiet: boolean;
  /** Values in full (multi-line values as indented blocks) instead of cut to one line. */
  fullValues?: boolean;
  /** Lines of context in the value diffs against the baseline. */
  context?: number;
}

/**
 * The matrix: one row per object and per key that disagrees, one column per
 * location, a group letter in each cell (same letter, same value; "-" absent).
 * The values behind the letters follow the matrix, once per group.
 */
export function renderFleetReport(report: FleetReport, theme: Theme, options: FleetRenderOptions): string {
  const out: string[] = [];
  const kinds = report.kinds.map((k) => (k === 'Secret' ? 'Secrets' : 'ConfigMaps')).join(' and ');
  out.push(theme.bold(`${kinds} across ${report.locations.length} locations: ${report.locations.map(locationName).join(', ')}`));
  out.push(renderFleetSummary(report, theme));
  if (options.quiet) return `${out.join('\n')}\n`;

  const rows: string[][] = [];
  for (const object of report.objects) {
    if (object.status === 'identical' && !object.ignored && options.hideIdentical) continue;
    rows.push([theme.bold(objectRef(object)), ...object.cells.map((c) => paintCell(c, theme)), objectStatus(object, theme)]);
    if (object.ignored) continue;
    if (object.types) rows.push(['  (type)', ...object.types.map((t) => t ?? theme.removed('-')), theme.changed('different')]);
    for (const key of object.keys) {
      if (key.status === 'identical') continue;
      rows.push([
        `  ${keyLabel(key)}`,
        ...key.cells.map((c) => paintCell(c, theme)),
        key.ignored ? theme.dim('different (ignored)') : theme.changed('different'),
      ]);
    }
  }
  if (rows.length > 0) {
    out.push('');
    out.push(renderColumns(['OBJECT / KEY', ...report.locations.map((l) => shortenMiddle(locationName(l), 28)), 'STATUS'], rows));
  }

  const legend = renderValues(report, theme, options.fullValues === true);
  if (legend) {
    out.push('');
    out.push(legend);
  }
  if (report.baseline && report.againstBaseline) {
    // Each other location against the baseline, as a two-location diff: path-level changes and line diffs.
    out.push('', theme.bold(`Against the baseline ${locationName(report.baseline)}:`));
    for (const against of report.againstBaseline) {
      out.push(renderDiffReport(against, theme, {context: options.context ?? 3, hideIdentical: true, quiet: false}).trimEnd(), '');
    }
    out.pop();
  }
  return `${out.join('\n')}\n`;
}

export function renderFleetSummary(report: FleetReport, theme: Theme): string {
  const s = report.summary;
  const parts = [
    `total ${s.total}`,
    s.identical > 0 ? theme.same(`identical ${s.identical}`) : `identical ${s.identical}`,
    s.different > 0 ? theme.changed(`different ${s.different}`) : `different ${s.different}`,
    `keys that disagree ${s.differentKeys}`,
  ];
  if (s.ignoredObjects + s.ignoredKeys > 0)
    parts.push(theme.dim(`ignored ${counted(s.ignoredObjects, 'object')}, ${counted(s.ignoredKeys, 'key')}`));
  return `Summary: ${parts.join(' · ')}`;
}

function objectStatus(object: FleetObject, theme: Theme): string {
  if (object.ignored) return theme.dim('ignored by rule');
  const count = object.keys.length;
  if (object.status === 'identical') {
    const ignored = object.keys.filter((k) => k.ignored).length;
    return theme.same(`identical (${counted(count, 'key')}${ignored > 0 ? `, ${ignored} ignored` : ''})`);
  }
  const absent = object.cells.filter((c) => c === null).length;
  const disagree = object.keys.filter((k) => k.status === 'different' && !k.ignored).length;
  const ignored = object.keys.filter((k) => k.ignored).length;
  const parts = [`${disagree} of ${counted(count, 'key')} ${disagree === 1 ? 'differs' : 'differ'}`];
  if (ignored > 0) parts.push(`${ignored} ignored`);
  if (absent > 0) parts.push(`absent in ${absent}`);
  return theme.changed(`different (${parts.join(', ')})`);
}

/** The values behind the letters of each key that disagrees. */
function renderValues(report: FleetReport, theme: Theme, fullValues: boolean): string | undefined {
  const lines: string[] = [];
  for (const object of report.objects) {
    if (object.ignored) continue;
    for (const key of object.keys) {
      if (key.status === 'identical' || key.ignored) continue;
      lines.push(`  ${objectRef(object)} ${theme.bold(keyLabel(key))}`);
      for (const group of key.groups) lines.push(`    ${group.group}  ${groupValue(group, fullValues)}`);
      const absent = key.cells.map((c, i) => (c === null ? locationName(report.locations[i]) : undefined)).filter(Boolean);
      if (absent.length > 0) lines.push(theme.removed(`    -  absent in ${absent.join(', ')}`));
    }
  }
  return lines.length > 0 ? ['Values:', ...lines].join('\n') : undefined;
}

const VALUE_WIDTH = 80;

/**
 * A group's value. Cut to one line unless --full-values; a cut value says so, with its size
 * and a short hash of the whole (never of a Secret: those are masked), so two values that
 * are cut alike still print differently.
 */
export function groupValue(group: FleetGroup, fullValues = false): string {
  if (group.sha256) return `${group.size} B sha256:${group.sha256.slice(0, 12)}`;
  if (group.masked) return `*** (${group.fingerprint})`;
  const value = group.value ?? '';
  if (fullValues) {
    if (value === '') return '""';
    const lines = markInvisible(value).split('\n');
    return lines.length === 1 ? lines[0] : ['|', ...lines.map((line) => `       ${line}`)].join('\n');
  }
  const shown = showValue(value, VALUE_WIDTH);
  if (shown === showValue(value, Number.MAX_SAFE_INTEGER)) return shown;
  return `${shown} [cut: ${group.size} B, sha256:${sha256(value).slice(0, 8)}; --full-values shows all]`;
}

function keyLabel(key: FleetKeyRow): string {
  return key.section === 'binaryData' ? `${key.key} (binary)` : key.key;
}

function paintCell(cell: FleetCell, theme: Theme): string {
  if (cell === null) return theme.removed('-');
  return cell === 'A' ? cell : theme.changed(cell);
}

/** Long context names (EKS ARNs) differ at the end: keep both ends. */
export function shortenMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  const head = Math.ceil((width - 1) / 3);
  const tail = width - 1 - head;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}
