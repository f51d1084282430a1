import {cutInMiddle, displayWidth} from './columns.js';
import type {Theme} from './theme.js';

export const WARNING_PREFIX = 'warning: ';

/**
 * A warning as every command prints it: yellow, and within `width` columns, continued under
 * its first word after "warning: ".
 */
export function renderWarning(text: string, theme: Theme, width = Number.POSITIVE_INFINITY): string {
  const message = text.startsWith(WARNING_PREFIX) ? text.slice(WARNING_PREFIX.length) : text;
  return wrapUnder(WARNING_PREFIX, message, width)
    .split('\n')
    .map((line) => theme.warning(line))
    .join('\n');
}

/**
 * `head` then `text`, broken at spaces so no line passes `width`, continued under the text's
 * first column. A word wider than the room (a file path) stays whole: it must stay copyable.
 */
export function wrapUnder(head: string, text: string, width = Number.POSITIVE_INFINITY): string {
  // A head wider than half the terminal stands on its own line; the text goes under it.
  if (displayWidth(head) > width / 2 && displayWidth(head + text) > width)
    return [head.trimEnd(), ...wrapAtSpaces(text, width - 4).map((line) => `    ${line}`)].join('\n');
  const indent = ' '.repeat(displayWidth(head));
  return wrapAtSpaces(text, width - indent.length)
    .map((line, i) => `${i === 0 ? head : indent}${line}`)
    .join('\n');
}

/** Lines of at most `width` columns, broken at spaces only. */
export function wrapAtSpaces(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && displayWidth(line) + 1 + displayWidth(word) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines;
}

/** Where a run's journal went and how to undo it: one line, or two where one does not fit (the command stays whole). */
export function journalSaved(runId: string, width = Number.POSITIVE_INFINITY): string {
  const saved = `journal saved as run ${runId}`;
  const undo = `undo with: kubectl configsync undo ${runId}`;
  return displayWidth(`${saved}; ${undo}`) <= width ? `${saved}; ${undo}` : `${saved}\n${undo}`;
}

/**
 * "HEAD from → to" in `width` columns: on one line when it fits; else the target goes on the
 * next line under the source, and a name wider than the room is cut in the middle.
 */
export function fromTo(head: string, from: string, to: string, width = Number.POSITIVE_INFINITY): string[] {
  const oneLine = `${head}${from} → ${to}`;
  if (displayWidth(oneLine) <= width) return [oneLine];
  const indent = ' '.repeat(Math.min(displayWidth(head), Math.floor(width / 4)));
  const fit = (text: string, room: number) => (displayWidth(text) <= room ? text : middleCut(text, Math.max(12, room)));
  if (displayWidth(head) > width / 4)
    return [head.trimEnd(), `${indent}${fit(from, width - indent.length)}`, `${indent}→ ${fit(to, width - indent.length - 2)}`];
  return [`${head}${fit(from, width - displayWidth(head))}`, `${indent}→ ${fit(to, width - indent.length - 2)}`];
}

/** A name in at most `width` columns: its start and its end, "…" between (the end often tells names apart). */
export function middleCut(text: string, width: number): string {
  return cutInMiddle(text, width, 1 / 2);
}

/** "VERB OBJECT in WHERE" within `width` columns: long names (253-character objects, ARNs) are cut in the middle. */
export function progressLine(verb: string, object: string, where: string, width = Number.POSITIVE_INFINITY): string {
  const line = `${verb} ${object} in ${where}`;
  if (displayWidth(line) <= width) return line;
  const room = Math.max(24, width - displayWidth(verb) - 5);
  const objectRoom = Math.min(displayWidth(object), Math.max(12, room - Math.min(displayWidth(where), Math.floor(room / 2))));
  return `${verb} ${middleCut(object, objectRoom)} in ${middleCut(where, Math.max(12, room - objectRoom))}`;
}
