import {countObjects, DIFF_API_VERSION, diffLocations, viewOf, type DiffOptions, type DiffReport, type ValueView} from './diff.js';
import {dataChecksum} from './fingerprint.js';
import {isKeyIgnored, isObjectIgnored, NO_IGNORES, type IgnoreRules} from './ignore.js';
import type {ConfigKind, ConfigObject, Location} from './types.js';

/**
 * The fleet view: three or more locations side by side. Every cell holds a group
 * letter: locations with the same letter hold the same value, null means absent.
 * Letters follow the order of the locations, so the first location is always "A".
 */
export type FleetCell = string | null;

export type FleetStatus = 'identical' | 'different';

/** One distinct value of a key, shown once however many locations hold it. */
export interface FleetGroup extends ValueView {
  group: string;
}

export interface FleetKeyRow {
  key: string;
  section: 'data' | 'binaryData';
  /** identical: present everywhere with one value; different otherwise. */
  status: FleetStatus;
  /** Matched an ignore rule: reported, but never makes the diff fail. */
  ignored: boolean;
  /** One cell per location, in the order of `locations`. */
  cells: FleetCell[];
  groups: FleetGroup[];
}

export interface FleetObject {
  kind: ConfigKind;
  name: string;
  status: FleetStatus;
  /** The whole object matched an ignore rule. */
  ignored: boolean;
  /** Per location: a letter per distinct data checksum, null where the object is absent. */
  cells: FleetCell[];
  /** Secret types per location, only when they differ. */
  types?: Array<string | null>;
  keys: FleetKeyRow[];
}

export interface FleetSummary {
  locations: number;
  /** Objects compared (ignored objects excluded). */
  total: number;
  identical: number;
  different: number;
  /** Key rows that disagree and count (not ignored, not in ignored objects). */
  differentKeys: number;
  ignoredObjects: number;
  ignoredKeys: number;
}

export interface FleetReport {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'FleetReport';
  locations: Location[];
  kinds: ConfigKind[];
  secretsShown: boolean;
  summary: FleetSummary;
  objects: FleetObject[];
  /** With --baseline: the location every other one is compared with. */
  baseline?: Location;
  /** With --baseline: one two-location report per other location, baseline → location, with path-level changes. */
  againstBaseline?: DiffReport[];
}

/** Compares what was read from each location, object by object and key by key; with a baseline, every other location against it too. */
export function diffFleet(
  locations: Location[],
  objectsByLocation: ConfigObject[][],
  options: DiffOptions & {baseline?: number},
): FleetReport {
  if (locations.length !== objectsByLocation.length) throw new Error('one object list per location');
  const ignore = options.ignore ?? NO_IGNORES;
  const indexes = objectsByLocation.map((objects) => new Map(objects.map((o) => [`${o.kind}\0${o.name}`, o])));
  const ids = [...new Set(indexes.flatMap((index) => [...index.keys()]))].sort();
  const objects = ids.map((id) =>
    diffFleetObject(
      indexes.map((index) => index.get(id)),
      {...options, ignore},
    ),
  );
  return {
    apiVersion: DIFF_API_VERSION,
    kind: 'FleetReport',
    locations,
    kinds: options.kinds,
    secretsShown: options.showSecrets === true,
    summary: summarizeFleet(locations.length, objects),
    ...(options.baseline !== undefined ? againstBaseline(locations, objectsByLocation, options.baseline, options) : {}),
    objects,
  };
}

export function fleetHasDifferences(report: Pick<FleetReport, 'summary'>): boolean {
  return report.summary.different > 0;
}

function diffFleetObject(sides: Array<ConfigObject | undefined>, options: DiffOptions & {ignore: IgnoreRules}): FleetObject {
  const any = sides.find(Boolean)!;
  const isSecret = any.kind === 'Secret';
  const keys: FleetKeyRow[] = [];
  // A Secret has one section in the API: its keys are one list, a value text in one place and bytes in another one row.
  const sections = isSecret ? [['data', 'binaryData'] as const] : [['data'] as const, ['binaryData'] as const];
  for (const group of sections) {
    const names = [...new Set(sides.flatMap((side) => group.flatMap((section) => Object.keys(side?.[section] ?? {}))))].sort();
    for (const key of names) {
      // Tagged with the section, so text and bytes never group together (their bytes differ).
      const values = sides.map((side) => {
        const section = group.find((s) => side && Object.hasOwn(side[s], key));
        return section && `${section}\0${side![section][key]}`;
      });
      const {cells, distinct} = groupValues(values);
      const status: FleetStatus = distinct.length === 1 && cells.every((c) => c !== null) ? 'identical' : 'different';
      keys.push({
        key,
        section: group[0],
        status,
        ignored: status === 'different' && isKeyIgnored(options.ignore, any.name, key),
        cells,
        groups: distinct.map((tagged, index) => {
          const [section, value] = [tagged.slice(0, tagged.indexOf('\0')) as 'data' | 'binaryData', tagged.slice(tagged.indexOf('\0') + 1)];
          return {group: groupName(index), ...viewOf(value, section, isSecret, options)};
        }),
      });
    }
  }
  const cells = groupValues(sides.map((side) => side && dataChecksum(side, options.salt))).cells;
  const typeNames = sides.map((side) => (side ? (side.type ?? 'Opaque') : null));
  const present = typeNames.filter((t): t is string => t !== null);
  const typesDiffer = isSecret && new Set(present).size > 1;
  const status: FleetStatus =
    cells.includes(null) || typesDiffer || keys.some((k) => k.status === 'different' && !k.ignored) ? 'different' : 'identical';
  return {
    kind: any.kind,
    name: any.name,
    status,
    ignored: isObjectIgnored(options.ignore, any.name),
    cells,
    ...(typesDiffer ? {types: typeNames} : {}),
    keys,
  };
}

/** Letters by first appearance: equal values share a letter, absent values are null. */
function groupValues(values: Array<string | undefined>): {cells: FleetCell[]; distinct: string[]} {
  const distinct: string[] = [];
  const letters = new Map<string, string>();
  const cells = values.map((value) => {
    if (value === undefined) return null;
    let letter = letters.get(value);
    if (letter === undefined) {
      letter = groupName(distinct.length);
      letters.set(value, letter);
      distinct.push(value);
    }
    return letter;
  });
  return {cells, distinct};
}

/** A, B, …, Z, AA, AB, … */
export function groupName(index: number): string {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(65 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return name;
}

function summarizeFleet(locations: number, objects: FleetObject[]): FleetSummary {
  const {total, byStatus, ignoredObjects, ignoredKeys} = countObjects(objects);
  const identical = byStatus.identical ?? 0;
  const differentKeys = objects
    .filter((o) => !o.ignored)
    .reduce((n, o) => n + o.keys.filter((k) => !k.ignored && k.status === 'different').length, 0);
  return {locations, total, identical, different: total - identical, differentKeys, ignoredObjects, ignoredKeys};
}

function againstBaseline(
  locations: Location[],
  objectsByLocation: ConfigObject[][],
  baseline: number,
  options: DiffOptions,
): Pick<FleetReport, 'baseline' | 'againstBaseline'> {
  const {baseline: _index, ...diffOptions} = options as DiffOptions & {baseline?: number};
  return {
    baseline: locations[baseline],
    againstBaseline: locations.flatMap((location, i) =>
      i === baseline ? [] : [diffLocations(locations[baseline], location, objectsByLocation[baseline], objectsByLocation[i], diffOptions)],
    ),
  };
}

/**
 * Whether a key disagrees where its object exists: an object absent from a location is one
 * fact (the object row says it), not a disagreement of each of its keys.
 */
export function keyDiffersWherePresent(object: Pick<FleetObject, 'cells'>, key: Pick<FleetKeyRow, 'cells'>): boolean {
  const present = key.cells.filter((_, i) => object.cells[i] !== null);
  return present.includes(null) || new Set(present).size > 1;
}

/** The locations (indexes) where the object is absent. */
export function absentAt(cells: FleetCell[]): number[] {
  return cells.flatMap((cell, i) => (cell === null ? [i] : []));
}
