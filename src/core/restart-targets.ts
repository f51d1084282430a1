import type {ConfigTarget} from './consumers.js';
import {UsageError} from './errors.js';
import {kindFromWord, type ConfigKind} from './types.js';

/** "configmap/a secret/b", or kubectl's "configmap a b". */
export function parseTargets(words: string[], keys: string[] | undefined): ConfigTarget[] {
  if (words.length === 0) throw new UsageError('name what changed: configmap/NAME or secret/NAME (several allowed)');
  const targets: ConfigTarget[] = [];
  let kindForBareNames: ConfigKind | undefined;
  for (const word of words) {
    const slash = word.indexOf('/');
    if (slash < 0) {
      const kind = kindFromWord(word);
      if (kind && targets.length === 0 && kindForBareNames === undefined) {
        kindForBareNames = kind;
        continue;
      }
      if (!kindForBareNames) throw new UsageError(`"${word}": expected configmap/NAME or secret/NAME`);
      targets.push({kind: kindForBareNames, name: word, keys});
      continue;
    }
    const kind = kindFromWord(word.slice(0, slash));
    const name = word.slice(slash + 1);
    if (!kind || !name) throw new UsageError(`"${word}": expected configmap/NAME or secret/NAME`);
    targets.push({kind, name, keys});
  }
  if (targets.length === 0)
    throw new UsageError(`name the ${kindForBareNames === 'Secret' ? 'secret' : 'configmap'}: e.g. configmap NAME or configmap/NAME`);
  return targets;
}

/** --keys: a comma-separated list, at least one. */
export function parseKeyList(text: string): string[] {
  const keys = [
    ...new Set(
      text
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    ),
  ];
  if (keys.length === 0) throw new UsageError('--keys: name at least one key');
  return keys;
}
