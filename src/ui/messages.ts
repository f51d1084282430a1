import {displayWidth} from './columns.js';
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
