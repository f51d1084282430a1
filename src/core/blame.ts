import type {DiffReport, KeyDiff, ObjectDiff} from './diff.js';
import {detectOwner, type Owner} from './owners.js';
import type {ConfigObject, ManagedFieldsEntry} from './types.js';

/** Who last set one key of one object: a field manager of metadata.managedFields. */
export interface KeySetter {
  manager: string;
  /** Update or Apply. */
  operation?: string;
  /** When that manager last changed any of its fields (the API server keeps one time per manager). */
  time?: string;
}

/**
 * The manager that owns data.KEY (or binaryData.KEY) of this object. Secret values written as
 * stringData are stored under data, and so is their ownership. Several managers may share a key
 * (server-side apply); the one that wrote last is named.
 */
export function whoSetKey(object: Pick<ConfigObject, 'managedFields'>, key: string): KeySetter | undefined {
  let found: ManagedFieldsEntry | undefined;
  for (const entry of object.managedFields ?? []) {
    if (!entry.manager || entry.subresource) continue;
    if (!ownsKey(entry.fieldsV1, key)) continue;
    if (!found || (entry.time ?? '') > (found.time ?? '')) found = entry;
  }
  if (!found?.manager) return undefined;
  return {manager: found.manager, ...(found.operation ? {operation: found.operation} : {}), ...(found.time ? {time: found.time} : {})};
}

function ownsKey(fields: unknown, key: string): boolean {
  if (!isRecord(fields)) return false;
  const name = `f:${key}`;
  return ['f:data', 'f:binaryData', 'f:stringData'].some((section) => {
    const set = fields[section];
    return isRecord(set) && Object.hasOwn(set, name);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface OwnershipOptions {
  /** Name the owner of each object on each side (diff --owners). */
  owners: boolean;
  /** Name who last set each differing key on each side (diff --blame). */
  blame: boolean;
}

/** The report with owners on each side of each object and/or the setters of each differing key. */
export function withOwnership(
  report: DiffReport,
  sourceObjects: ConfigObject[],
  targetObjects: ConfigObject[],
  options: OwnershipOptions,
): DiffReport {
  if (!options.owners && !options.blame) return report;
  const index = (objects: ConfigObject[]) => new Map(objects.map((o) => [`${o.kind}/${o.name}`, o]));
  const sources = index(sourceObjects);
  const targets = index(targetObjects);
  const objects = report.objects.map((object): ObjectDiff => {
    const source = sources.get(`${object.kind}/${object.name}`);
    const target = targets.get(`${object.kind}/${object.name}`);
    return {
      ...object,
      ...(options.owners && object.source ? {source: {...object.source, owner: ownerOrNull(source)}} : {}),
      ...(options.owners && object.target ? {target: {...object.target, owner: ownerOrNull(target)}} : {}),
      keys: options.blame ? object.keys.map((key) => blameKey(key, source, target)) : object.keys,
    };
  });
  return {...report, objects};
}

function ownerOrNull(object: ConfigObject | undefined): Owner | null {
  return (object && detectOwner(object)) ?? null;
}

function blameKey(key: KeyDiff, source: ConfigObject | undefined, target: ConfigObject | undefined): KeyDiff {
  if (key.status === 'identical') return key;
  const bySource = source && key.source ? whoSetKey(source, key.key) : undefined;
  const byTarget = target && key.target ? whoSetKey(target, key.key) : undefined;
  return {...key, blame: {...(bySource ? {source: bySource} : {}), ...(byTarget ? {target: byTarget} : {})}};
}
