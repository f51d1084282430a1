import {dataChecksum, fingerprint, sha256} from './fingerprint.js';
import {isKeyIgnored, isObjectIgnored, NO_IGNORES, type IgnoreRules} from './ignore.js';
import {diffStructured, type PathChange, type ValueFormat} from './structured.js';
import type {KeySetter} from './blame.js';
import type {Owner} from './owners.js';
import type {ConfigKind, ConfigObject, Location} from './types.js';

/**
 * Binds a plan to what was reviewed: the identities of both clusters, the UIDs of both
 * namespaces, and the salt of the Secret fingerprints and checksums it shows (so applying
 * can recompute them from what it reads and refuse anything else).
 */
export interface PlanBinding {
  source: {cluster: string; namespaceUid?: string};
  target: {cluster: string; namespaceUid?: string};
  /** Names the salt of the Secret fingerprints and checksums; the salt itself never leaves the run. */
  saltId: string;
}

export const DIFF_API_VERSION = 'configsync.kubectl.dev/v1alpha1';

export type ObjectStatus = 'identical' | 'different' | 'missing-in-target' | 'missing-in-source';
export type KeyStatus = ObjectStatus;

/** What the report says about one value. Secret values are masked unless asked for. */
export interface ValueView {
  /** The value itself: ConfigMap text, or Secret text with --show-secrets. */
  value?: string;
  /** True when the value is a Secret value that was not printed. */
  masked?: boolean;
  /** Keyed hash of a masked value, equal for equal values within one run. */
  fingerprint?: string;
  /** Size in bytes. */
  size: number;
  /** SHA-256 of binary values, which are never printed. */
  sha256?: string;
}

export interface KeyDiff {
  key: string;
  section: 'data' | 'binaryData';
  status: KeyStatus;
  /** Matched an ignore rule: reported, but never makes the diff fail. */
  ignored: boolean;
  source?: ValueView;
  target?: ValueView;
  /** Path-level changes when both values parse as the same structured format. */
  format?: ValueFormat;
  changes?: PathChange[];
  /**
   * The key is in `section` in the source and in this other section in the target
   * (a ConfigMap key moved between data and binaryData, or a Secret value that is
   * text on one side and not on the other): one row, not two.
   */
  targetSection?: 'data' | 'binaryData';
  /** With targetSection: whether the bytes are equal despite the move. */
  sameBytes?: boolean;
  /** diff --blame: the field manager that last set the key on each side (from managedFields). */
  blame?: {source?: KeySetter; target?: KeySetter};
}

export interface ObjectSide {
  uid?: string;
  resourceVersion?: string;
  /** sha256 of the data; for Secrets an HMAC keyed with the report's salt, so no bare digest of a secret leaves the process. */
  checksum: string;
  type?: string;
  immutable?: boolean;
  /** diff --owners: who else owns the object on this side (null: nobody the tool knows of). */
  owner?: Owner | null;
}

export interface ObjectDiff {
  kind: ConfigKind;
  name: string;
  status: ObjectStatus;
  /** The whole object matched an ignore rule. */
  ignored: boolean;
  source?: ObjectSide;
  target?: ObjectSide;
  /** Secret type differs between the two sides. */
  typeChange?: {source?: string; target?: string};
  keys: KeyDiff[];
}

export interface DiffSummary {
  total: number;
  identical: number;
  different: number;
  missingInTarget: number;
  missingInSource: number;
  /** Objects left out by ignore rules. */
  ignoredObjects: number;
  /** Key differences left out by ignore rules. */
  ignoredKeys: number;
}

export interface DiffReport {
  apiVersion: typeof DIFF_API_VERSION;
  kind: 'DiffReport';
  source: Location;
  target: Location;
  /** What the report was read from (clusters, namespaces, salt): a plan made of it applies there only. */
  binding?: PlanBinding;
  kinds: ConfigKind[];
  secretsShown: boolean;
  summary: DiffSummary;
  objects: ObjectDiff[];
}

export interface DiffOptions {
  kinds: ConfigKind[];
  showSecrets: boolean;
  /** Salt for Secret fingerprints. */
  salt: string;
  ignore?: IgnoreRules;
}

/** Compares what was read from two locations, object by object and key by key. */
export function diffLocations(
  source: Location,
  target: Location,
  sourceObjects: ConfigObject[],
  targetObjects: ConfigObject[],
  options: DiffOptions,
): DiffReport {
  const ignore = options.ignore ?? NO_IGNORES;
  const bySource = indexObjects(sourceObjects);
  const byTarget = indexObjects(targetObjects);
  const ids = [...new Set([...bySource.keys(), ...byTarget.keys()])].sort();
  const objects = ids.map((id) => diffObject(bySource.get(id), byTarget.get(id), {...options, ignore}));
  return {
    apiVersion: DIFF_API_VERSION,
    kind: 'DiffReport',
    source,
    target,
    kinds: options.kinds,
    secretsShown: options.showSecrets === true,
    summary: summarize(objects),
    objects,
  };
}

export function hasDifferences(report: Pick<DiffReport, 'summary'>): boolean {
  const s = report.summary;
  return s.different + s.missingInTarget + s.missingInSource > 0;
}

function indexObjects(objects: ConfigObject[]): Map<string, ConfigObject> {
  // Kind first, so ConfigMaps and Secrets sort into two blocks.
  return new Map(objects.map((o) => [`${o.kind}\0${o.name}`, o]));
}

function diffObject(
  source: ConfigObject | undefined,
  target: ConfigObject | undefined,
  options: DiffOptions & {ignore: IgnoreRules},
): ObjectDiff {
  const any = (source ?? target)!;
  const keys = diffKeys(source, target, options);
  const typeChange =
    source && target && any.kind === 'Secret' && (source.type ?? 'Opaque') !== (target.type ?? 'Opaque')
      ? {source: source.type, target: target.type}
      : undefined;
  const status: ObjectStatus = !target
    ? 'missing-in-target'
    : !source
      ? 'missing-in-source'
      : typeChange || keys.some((k) => k.status !== 'identical' && !k.ignored)
        ? 'different'
        : 'identical';
  return {
    kind: any.kind,
    name: any.name,
    status,
    ignored: isObjectIgnored(options.ignore, any.name),
    source: source && sideOf(source, options),
    target: target && sideOf(target, options),
    ...(typeChange ? {typeChange} : {}),
    keys,
  };
}

function sideOf(object: ConfigObject, options: Pick<DiffOptions, 'salt'>): ObjectSide {
  return {
    ...(object.uid ? {uid: object.uid} : {}),
    resourceVersion: object.resourceVersion,
    checksum: dataChecksum(object, options.salt),
    ...(object.type ? {type: object.type} : {}),
    ...(object.immutable ? {immutable: true} : {}),
  };
}

function diffKeys(
  source: ConfigObject | undefined,
  target: ConfigObject | undefined,
  options: DiffOptions & {ignore: IgnoreRules},
): KeyDiff[] {
  const name = (source ?? target)!.name;
  const isSecret = (source ?? target)!.kind === 'Secret';
  const result: KeyDiff[] = [];
  for (const section of ['data', 'binaryData'] as const) {
    const from = source?.[section] ?? {};
    const to = target?.[section] ?? {};
    for (const key of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
      const a = from[key];
      const b = to[key];
      const status: KeyStatus =
        a === undefined ? 'missing-in-source' : b === undefined ? 'missing-in-target' : a === b ? 'identical' : 'different';
      const view = (value: string | undefined) => (value === undefined ? undefined : viewOf(value, section, isSecret, options));
      const entry: KeyDiff = {
        key,
        section,
        status,
        ignored: status !== 'identical' && isKeyIgnored(options.ignore, name, key),
        source: view(a),
        target: view(b),
      };
      if (status === 'different' && section === 'data') {
        const structured = diffStructured(key, a, b);
        if (structured && structured.changes.length > 0) {
          entry.format = structured.format;
          entry.changes =
            isSecret && !options.showSecrets ? structured.changes.map((change) => maskChange(change, options.salt)) : structured.changes;
        }
      }
      result.push(entry);
    }
  }
  const merged = mergeMoves(result, source, target, isSecret, options, name);
  // A Secret has one section in the API (`data`, base64): that some values are not text is ours to know.
  if (isSecret)
    return merged.map((row) => ({...row, section: 'data' as const})).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return merged;
}

/** A key in data on one side and in binaryData on the other is one row that says so. */
function mergeMoves(
  rows: KeyDiff[],
  source: ConfigObject | undefined,
  target: ConfigObject | undefined,
  isSecret: boolean,
  options: DiffOptions & {ignore: IgnoreRules},
  name: string,
): KeyDiff[] {
  if (!source || !target) return rows;
  const other = (section: 'data' | 'binaryData') => (section === 'data' ? 'binaryData' : 'data');
  const moved = rows.filter(
    (r) =>
      r.status === 'missing-in-target' &&
      target[other(r.section)][r.key] !== undefined &&
      source[other(r.section)][r.key] === undefined &&
      target[r.section][r.key] === undefined,
  );
  if (moved.length === 0) return rows;
  const merged = new Map<KeyDiff, KeyDiff>();
  const dropped = new Set<KeyDiff>();
  for (const row of moved) {
    const targetSection = other(row.section);
    const a = source[row.section][row.key];
    const b = target[targetSection][row.key];
    const sameBytes = bytesOf(a, row.section).equals(bytesOf(b, targetSection));
    merged.set(row, {
      key: row.key,
      section: row.section,
      status: 'different',
      ignored: isKeyIgnored(options.ignore, name, row.key),
      source: viewOf(a, row.section, isSecret, options),
      target: viewOf(b, targetSection, isSecret, options),
      // A Secret value that is text on one side only has changed bytes: no move to speak of.
      ...(isSecret ? {} : {targetSection, sameBytes}),
    });
    const twin = rows.find((r) => r.key === row.key && r.section === targetSection && r.status === 'missing-in-source');
    if (twin) dropped.add(twin);
  }
  return rows.filter((r) => !dropped.has(r)).map((r) => merged.get(r) ?? r);
}

function bytesOf(value: string, section: 'data' | 'binaryData'): Buffer {
  return section === 'binaryData' ? Buffer.from(value, 'base64') : Buffer.from(value, 'utf8');
}

/**
 * How one value appears in a report: text, a masked fingerprint, or size and hash for bytes.
 * A Secret value is only ever seen through a salted fingerprint (bytes included) unless --show-secrets.
 */
export function viewOf(
  value: string,
  section: 'data' | 'binaryData',
  isSecret: boolean,
  options: Pick<DiffOptions, 'showSecrets' | 'salt'>,
): ValueView {
  const masked = isSecret && !options.showSecrets;
  if (section === 'binaryData') {
    const bytes = Buffer.from(value, 'base64');
    if (masked) return {masked: true, fingerprint: fingerprint(bytes, options.salt), size: bytes.length};
    return {size: bytes.length, sha256: sha256(bytes)};
  }
  const size = Buffer.byteLength(value, 'utf8');
  if (masked) return {masked: true, fingerprint: fingerprint(value, options.salt), size};
  return {value, size};
}

/** The keys inside a Secret's structured value are as secret as the values: the path becomes a fingerprint too. */
function maskChange(change: PathChange, salt: string): PathChange {
  return {path: maskedPath(change.path, salt), change: change.change};
}

export function maskedPath(path: string, salt: string): string {
  return `*** (${fingerprint(`path\0${path}`, salt)})`;
}

/** The counts a two-location and a fleet report share: ignored objects apart, the others by status, and ignored keys. */
export function countObjects<S extends string>(
  objects: Array<{ignored?: boolean; status: S; keys: Array<{ignored?: boolean}>}>,
): {total: number; byStatus: Partial<Record<S, number>>; ignoredObjects: number; ignoredKeys: number} {
  const counted = objects.filter((o) => !o.ignored);
  const byStatus: Partial<Record<S, number>> = {};
  for (const object of counted) byStatus[object.status] = (byStatus[object.status] ?? 0) + 1;
  return {
    total: counted.length,
    byStatus,
    ignoredObjects: objects.length - counted.length,
    ignoredKeys: counted.reduce((n, o) => n + o.keys.filter((k) => k.ignored).length, 0),
  };
}

function summarize(objects: ObjectDiff[]): DiffSummary {
  const {total, byStatus, ignoredObjects, ignoredKeys} = countObjects(objects);
  return {
    total,
    identical: byStatus.identical ?? 0,
    different: byStatus.different ?? 0,
    missingInTarget: byStatus['missing-in-target'] ?? 0,
    missingInSource: byStatus['missing-in-source'] ?? 0,
    ignoredObjects,
    ignoredKeys,
  };
}

/** Objects the platform creates in every namespace: never drift, only noise. */
export function isPlatformObject(object: Pick<ConfigObject, 'kind' | 'name' | 'type'>): boolean {
  if (object.kind === 'ConfigMap') return PLATFORM_CONFIGMAPS.has(object.name);
  return object.type === 'kubernetes.io/service-account-token' || object.type === 'helm.sh/release.v1';
}

const PLATFORM_CONFIGMAPS = new Set(['kube-root-ca.crt', 'openshift-service-ca.crt', 'istio-ca-root-cert']);
