import {minimatch} from 'minimatch';

/**
 * Differences that are expected between environments. Patterns are globs;
 * a key pattern may be scoped to objects as "OBJECT:KEY" (both globs).
 */
export interface IgnoreRules {
  keys: string[];
  objects: string[];
}

export const NO_IGNORES: IgnoreRules = {keys: [], objects: []};

export function mergeIgnoreRules(...rules: Array<Partial<IgnoreRules> | undefined>): IgnoreRules {
  return {
    keys: rules.flatMap((r) => r?.keys ?? []),
    objects: rules.flatMap((r) => r?.objects ?? []),
  };
}

export function isObjectIgnored(rules: IgnoreRules, objectName: string): boolean {
  return rules.objects.some((pattern) => matches(pattern, objectName));
}

export function isKeyIgnored(rules: IgnoreRules, objectName: string, key: string): boolean {
  return rules.keys.some((pattern) => {
    const scope = splitScope(pattern);
    if (scope && !matches(scope.object, objectName)) return false;
    return matches(scope ? scope.key : pattern, key);
  });
}

function splitScope(pattern: string): {object: string; key: string} | undefined {
  const colon = pattern.indexOf(':');
  return colon > 0 ? {object: pattern.slice(0, colon), key: pattern.slice(colon + 1)} : undefined;
}

export function matches(pattern: string, text: string): boolean {
  return minimatch(text, pattern, {dot: true, nocomment: true, nonegate: true});
}
