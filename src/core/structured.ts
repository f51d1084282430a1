import {load as loadYaml} from 'js-yaml';
import {parseDotenv, parseProperties} from './line-formats.js';

/** Formats whose values we can compare path by path. */
export type ValueFormat = 'json' | 'yaml' | 'properties' | 'env';

export type ScalarType = 'string' | 'number' | 'boolean' | 'null' | 'timestamp' | 'list' | 'map';

export interface PathChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  old?: string;
  new?: string;
  /** Set when the type changes (`"8080"` string → `8080` number), even if the text does not. */
  oldType?: ScalarType;
  newType?: ScalarType;
}

interface Scalar {
  text: string;
  type: ScalarType;
}

type Flat = Map<string, Scalar>;

/**
 * Compares two values of a key at path level when both parse as the same
 * structured format. Returns undefined when they do not, so callers fall back
 * to a line diff.
 */
export function diffStructured(key: string, oldValue: string, newValue: string): {format: ValueFormat; changes: PathChange[]} | undefined {
  const guessed = !hasFormatExtension(key);
  for (const format of candidateFormats(key, oldValue)) {
    const before = parseAs(format, oldValue, guessed);
    const after = before && parseAs(format, newValue, guessed);
    if (!before || !after) continue;
    return {format, changes: diffFlat(before, after)};
  }
  return undefined;
}

function hasFormatExtension(key: string): boolean {
  return /\.(json|ya?ml|properties|env)$/i.test(key) || key.toLowerCase() === '.env';
}

function candidateFormats(key: string, value: string): ValueFormat[] {
  const lower = key.toLowerCase();
  if (lower.endsWith('.json')) return ['json'];
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return ['yaml'];
  if (lower.endsWith('.properties')) return ['properties'];
  if (lower.endsWith('.env') || lower === '.env') return ['env'];
  const trimmed = value.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return ['json', 'yaml'];
  // A one-line value is a scalar, not a document: a line diff says it all.
  if (!value.includes('\n')) return [];
  return ['yaml', 'env', 'properties'];
}

function strings(entries: Map<string, string> | undefined): Flat | undefined {
  if (!entries) return undefined;
  const flat: Flat = new Map();
  for (const [key, text] of entries) flat.set(key, {text, type: 'string'});
  return flat;
}

/** `guessed`: the format was chosen from the content, not from the key's extension, so be strict. */
function parseAs(format: ValueFormat, text: string, guessed = false): Flat | undefined {
  try {
    switch (format) {
      case 'json': {
        const parsed: unknown = JSON.parse(text);
        return isContainer(parsed) ? flatten(parsed) : undefined;
      }
      case 'yaml': {
        const parsed = loadYaml(text);
        return isContainer(parsed) ? flatten(parsed) : undefined;
      }
      case 'properties':
        return strings(parseProperties(text, {requireSeparator: guessed}));
      case 'env':
        return strings(parseDotenv(text));
    }
  } catch {
    return undefined;
  }
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function flatten(value: unknown, prefix = '', into: Flat = new Map()): Flat {
  if (Array.isArray(value)) {
    if (value.length === 0) into.set(prefix || '.', {text: '[]', type: 'list'});
    value.forEach((item, index) => flatten(item, `${prefix}[${index}]`, into));
  } else if (isContainer(value) && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) into.set(prefix || '.', {text: '{}', type: 'map'});
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${escapeKey(key)}` : escapeKey(key), into);
  } else {
    into.set(prefix || '.', {text: scalarText(value), type: scalarType(value)});
  }
  return into;
}

function escapeKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function scalarText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function scalarType(value: unknown): ScalarType {
  if (value instanceof Date) return 'timestamp';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

function diffFlat(before: Flat, after: Flat): PathChange[] {
  const changes: PathChange[] = [];
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(comparePaths);
  for (const path of paths) {
    const old = before.get(path);
    const now = after.get(path);
    if (old === undefined) changes.push({path, change: 'added', new: now!.text});
    else if (now === undefined) changes.push({path, change: 'removed', old: old.text});
    else if (old.text !== now.text || old.type !== now.type) {
      changes.push({
        path,
        change: 'changed',
        old: old.text,
        new: now.text,
        ...(old.type !== now.type ? {oldType: old.type, newType: now.type} : {}),
      });
    }
  }
  return changes;
}

/** Sorts "a[2]" before "a[10]", so list items stay in order. */
function comparePaths(a: string, b: string): number {
  return a.localeCompare(b, 'en', {numeric: true});
}
