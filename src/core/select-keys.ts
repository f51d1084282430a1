import {UsageError} from './errors.js';
import {matches} from './ignore.js';

/**
 * Key patterns from --keys: comma-separated globs, each optionally scoped to
 * objects as "OBJECT:KEY" (both globs), the same shape as --ignore-key.
 */
export interface KeySelector {
  patterns: string[];
}

/** Key names are [-._a-zA-Z0-9]+; a glob may add its own characters. */
const GLOB_OF_KEYS = /^[-._a-zA-Z0-9*?[\]!]+$/;

export function parseKeySelector(values: string[] | string | undefined): KeySelector | undefined {
  if (values === undefined) return undefined;
  const list = Array.isArray(values) ? values : [values];
  const patterns = list
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (patterns.length === 0) throw new UsageError('--keys: name at least one key or glob');
  for (const pattern of patterns) {
    const colon = pattern.indexOf(':');
    if (!GLOB_OF_KEYS.test(colon > 0 ? pattern.slice(colon + 1) : pattern) || (colon > 0 && !GLOB_OF_KEYS.test(pattern.slice(0, colon)))) {
      throw new UsageError(
        `--keys: "${pattern}" is not a valid key name or glob (keys are letters, digits, "-", "_" and "."; globs add * ? [ ])`,
      );
    }
  }
  return {patterns};
}

export function isKeySelected(selector: KeySelector, objectName: string, key: string): boolean {
  return selector.patterns.some((pattern) => {
    const colon = pattern.indexOf(':');
    if (colon > 0) return matches(pattern.slice(0, colon), objectName) && matches(pattern.slice(colon + 1), key);
    return matches(pattern, key);
  });
}

/** Patterns that matched no key at all: most likely a typo the user wants to hear about. */
export function unmatchedPatterns(selector: KeySelector, candidates: Array<{object: string; key: string}>): string[] {
  return selector.patterns.filter((pattern) => !candidates.some((c) => isKeySelected({patterns: [pattern]}, c.object, c.key)));
}
