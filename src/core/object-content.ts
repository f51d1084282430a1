import type {ConfigPatch} from './cluster-api.js';
import type {ConfigObject} from './types.js';

/**
 * The bytes of every key, base64, wherever the model keeps them: a Secret key sits in data
 * or binaryData depending on whether its bytes are UTF-8, a ConfigMap key in either section.
 */
export function valueBytes(object: Pick<ConfigObject, 'data' | 'binaryData'>): Map<string, string> {
  const bytes = new Map<string, string>();
  for (const [key, value] of Object.entries(object.data)) bytes.set(`data\0${key}`, Buffer.from(value, 'utf8').toString('base64'));
  for (const [key, value] of Object.entries(object.binaryData)) bytes.set(`binaryData\0${key}`, value);
  return bytes;
}

/** A Secret has one map of bytes on the server; the model's two sections are a view of it. */
function serverBytes(object: Pick<ConfigObject, 'kind' | 'data' | 'binaryData'>): Map<string, string> {
  if (object.kind !== 'Secret') return valueBytes(object);
  const bytes = new Map<string, string>();
  for (const [slot, value] of valueBytes(object)) bytes.set(slot.slice(slot.indexOf('\0') + 1), value);
  return bytes;
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

export function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Same bytes in every key (as the server stores them), ignoring labels and annotations. */
export function sameData(a: ConfigObject, b: ConfigObject): boolean {
  return sameMap(serverBytes(a), serverBytes(b));
}

/**
 * Everything a sync, fanout or undo can change: data (byte for byte), type, immutable,
 * labels and annotations. Versions, uids and timestamps do not count: two objects with
 * the same content are the same configuration, whatever wrote them.
 */
export function sameContent(a: ConfigObject, b: ConfigObject): boolean {
  return (
    a.kind === b.kind &&
    (a.type ?? '') === (b.type ?? '') &&
    Boolean(a.immutable) === Boolean(b.immutable) &&
    sameData(a, b) &&
    sameRecord(a.labels, b.labels) &&
    sameRecord(a.annotations, b.annotations)
  );
}

/** Only an immutable object, or a Secret changing type, has to be deleted and created to change. */
export function needsRecreate(current: ConfigObject, wanted: ConfigObject): boolean {
  if (current.kind === 'Secret' && (current.type ?? 'Opaque') !== (wanted.type ?? 'Opaque')) return true;
  if (current.immutable && !wanted.immutable) return true;
  return Boolean(current.immutable) && !sameData(current, wanted);
}

/**
 * The merge patch that turns `current` into `wanted`, touching only what differs in data,
 * labels, annotations and immutable; undefined when nothing differs. Conditioned on the
 * resourceVersion of `current`.
 */
export function planPatch(current: ConfigObject, wanted: ConfigObject): ConfigPatch | undefined {
  if (!current.resourceVersion) throw new Error(`no resourceVersion to condition the update of ${current.kind}/${current.name} on`);
  const patch: ConfigPatch = {resourceVersion: current.resourceVersion};
  const changed = (from: Record<string, string>, to: Record<string, string>) => {
    const out: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(to)) if (from[key] !== value) out[key] = value;
    for (const key of Object.keys(from)) if (!Object.hasOwn(to, key)) out[key] = null;
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (current.kind === 'Secret') {
    // One map on the server: a key is set from whichever section holds it, removed only when in neither.
    const before = serverBytes(current);
    const after = serverBytes(wanted);
    const data: Record<string, string | null> = {};
    const binaryData: Record<string, string | null> = {};
    for (const [key, value] of after) {
      if (before.get(key) === value) continue;
      if (Object.hasOwn(wanted.data, key)) data[key] = wanted.data[key];
      else binaryData[key] = value;
    }
    for (const key of before.keys()) if (!after.has(key)) data[key] = null;
    if (Object.keys(data).length > 0) patch.data = data;
    if (Object.keys(binaryData).length > 0) patch.binaryData = binaryData;
  } else {
    const data = changed(current.data, wanted.data);
    const binaryData = changed(current.binaryData, wanted.binaryData);
    if (data) patch.data = data;
    if (binaryData) patch.binaryData = binaryData;
  }
  const labels = changed(current.labels, wanted.labels);
  const annotations = changed(current.annotations, wanted.annotations);
  if (labels) patch.labels = labels;
  if (annotations) patch.annotations = annotations;
  if (wanted.immutable && !current.immutable) patch.immutable = true;
  return Object.keys(patch).length > 1 ? patch : undefined;
}

/** The object as it should be created again from a saved copy: content and ownership metadata, no server fields. */
export function recreatable(saved: ConfigObject): ConfigObject {
  const {resourceVersion: _rv, uid: _uid, deletionTimestamp: _deleting, ...rest} = saved;
  return rest;
}
