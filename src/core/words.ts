// The one way a count and its noun are written: "1 key", "2 keys", "0 conflicts".

/** `count` followed by the noun, singular for exactly one; `pluralNoun` for irregular plurals. */
export function counted(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** Everything a command does to a cluster or to its own files, as a verb. */
export type ActionVerb = 'write' | 'create' | 'update' | 'prune' | 'remove' | 'delete' | 'restore' | 'restart' | 'adopt' | 'overwrite';

const DONE: Record<ActionVerb, string> = {
  write: 'written',
  create: 'created',
  update: 'updated',
  prune: 'pruned',
  remove: 'removed',
  delete: 'deleted',
  restore: 'restored',
  restart: 'restarted',
  adopt: 'adopted',
  overwrite: 'overwritten',
};

/**
 * The one rule for how a preview or a result names an action: what it did ("restored") only
 * when it was done for real, what it would do ("would restore") in any dry run.
 */
export function actionWord(verb: ActionVerb, dryRun: 'none' | 'client' | 'server' | boolean): string {
  const dry = dryRun === true || dryRun === 'client' || dryRun === 'server';
  return dry ? `would ${verb}` : DONE[verb];
}

/** `actionWord` with its count: "3 restored", "would restore 3". */
export function countedAction(count: number, verb: ActionVerb, dryRun: 'none' | 'client' | 'server' | boolean): string {
  const word = actionWord(verb, dryRun);
  return word.startsWith('would ') ? `${word} ${count}` : `${count} ${word}`;
}
