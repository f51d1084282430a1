// The one way a count and its noun are written: "1 key", "2 keys", "0 conflicts".

/** `count` followed by the noun, singular for exactly one; `pluralNoun` for irregular plurals. */
export function counted(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
