import type {KeyDiff, ObjectDiff} from '../core/diff.js';
import {syncableKeys} from '../core/sync-plan.js';
import {objectRef} from '../core/types.js';
import {changeKindOf, STATUS_TEXT, valueCells} from './render-diff.js';
import {previewValue} from './render-sync.js';
import {displayWidth} from './columns.js';
import {cutDistinct} from './table.js';
import {CHANGE_SYMBOL, createTheme, paintChange, type Theme} from './theme.js';
import {outputWidth} from './width.js';
import {counted} from '../core/words.js';

/** Prompts read the terminal and draw on stderr, so stdout stays clean for results. */
const streams = () => ({input: process.stdin, output: process.stderr});

/** Prompts need a terminal on both ends; without one we refuse rather than hang. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

// Loaded on first use: @inquirer/prompts is not needed for --help or non-interactive runs.
const inquirer = () => import('@inquirer/prompts');

const ALL_KEYS = '\0all';

export async function promptObjects(objects: ObjectDiff[], prune: boolean, theme?: Theme): Promise<string[]> {
  const {checkbox} = await inquirer();
  const width = outputWidth({stream: process.stderr});
  const names = objectChoiceNames(objects, prune, width, theme);
  return checkbox(
    {
      message: 'Objects to sync',
      choices: objects.map((o, i) => ({value: objectRef(o), name: names[i], short: objectRef(o)})),
      required: true,
      pageSize: 15,
      theme: pickerTheme('Objects to sync', '', 'object', width, theme),
    },
    streams(),
  );
}

/**
 * How a picker reads once answered: its question without the hint, then what was chosen, on
 * one line of the terminal ("3 objects" when the names do not fit).
 */
export function pickerTheme(message: string, hint: string, noun: string, width: number, theme: Theme = createTheme(false)) {
  return {
    style: {
      message: (text: string, status: string) => theme.bold(status === 'done' || !hint ? text : `${text} ${hint}`),
      renderSelectedChoices: (selected: ReadonlyArray<{short: string}>) =>
        answerText(
          selected.map((c) => c.short),
          noun,
          width - displayWidth(message) - 3,
        ),
    },
  };
}

/** The chosen names, comma-separated, or their count when they do not fit `room` columns. */
export function answerText(names: string[], noun: string, room: number): string {
  const joined = names.join(', ');
  return displayWidth(joined) <= room ? joined : counted(names.length, noun);
}

/**
 * One line per object, in columns and fitted to the terminal: symbol, object (cut in the middle
 * when long), and what a sync does to it, painted as its change kind.
 */
export function objectChoiceNames(objects: ObjectDiff[], prune: boolean, width: number, theme: Theme = createTheme(false)): string[] {
  const rows = objects.map((o) => {
    const kind = o.status === 'missing-in-target' ? 'added' : 'changed';
    const status =
      o.status === 'missing-in-target' ? 'missing in target: create' : `different (${counted(syncableKeys(o, prune).length, 'key')})`;
    return {kind, ref: objectRef(o), status} as const;
  });
  const available = (Number.isFinite(width) ? width : Number.MAX_SAFE_INTEGER) - CHOICE_PREFIX;
  const widestStatus = Math.max(0, ...rows.map((r) => r.status.length));
  const refWidth = Math.min(Math.max(0, ...rows.map((r) => displayWidth(r.ref))), Math.max(12, available - 2 - 3 - widestStatus));
  const refs = cutDistinct(
    rows.map((r) => r.ref),
    refWidth,
  );
  return rows.map(({kind, status}, i) => `${CHANGE_SYMBOL[kind]} ${pad(refs[i], refWidth)}   ${paintChange(theme, kind, status)}`);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Returns the chosen keys as "section\0key". */
export async function promptKeys(object: ObjectDiff, prune: boolean, theme?: Theme): Promise<Set<string>> {
  const {checkbox} = await inquirer();
  const keys = syncableKeys(object, prune);
  const width = outputWidth({stream: process.stderr});
  const names = keyChoiceNames(keys, width, theme);
  const message = `Keys of ${objectRef(object)} to write`;
  const chosen = await checkbox(
    {
      // The legend of + - ~ is printed with the diff above; the question keeps to one line.
      message,
      choices: [
        {value: ALL_KEYS, name: `all different keys (${keys.length})`, short: keys.length === 1 ? keys[0].key : `all ${keys.length} keys`},
        ...keys.map((k, i) => ({value: `${k.section}\0${k.key}`, name: names[i], short: k.key})),
      ],
      required: true,
      pageSize: 15,
      theme: pickerTheme(message, '(target now → after sync)', 'key', width, theme),
    },
    streams(),
  );
  if (chosen.includes(ALL_KEYS)) return new Set(keys.map((k) => `${k.section}\0${k.key}`));
  return new Set(chosen);
}

/** Columns the checkbox draws before a choice's name: cursor, box, space. */
const CHOICE_PREFIX = 4;
const STATUS_WIDTH = Math.max(...Object.values(STATUS_TEXT).map((t) => t.length));

/**
 * One line per key, fitted to the terminal: symbol, key (cut in the middle when long),
 * status in diff's words, and what writing it does to the target (now → after).
 */
export function keyChoiceNames(
  keys: Array<Pick<KeyDiff, 'key' | 'status' | 'source' | 'target'>>,
  width: number,
  theme: Theme = createTheme(false),
): string[] {
  const available = (Number.isFinite(width) ? width : Number.MAX_SAFE_INTEGER) - CHOICE_PREFIX;
  const widest = Math.max(0, ...keys.map((k) => displayWidth(k.key)));
  const fixed = 2 + 3 + STATUS_WIDTH + 3;
  const keyWidth = Math.min(widest, Math.max(12, Math.floor((available - fixed) / 2)));
  const previewWidth = Math.max(10, available - fixed - keyWidth);
  const names = cutDistinct(
    keys.map((k) => k.key),
    keyWidth,
  );
  return keys.map(
    (k, i) =>
      `${CHANGE_SYMBOL[changeKindOf(k.status)]} ${pad(names[i], keyWidth)}   ${paintChange(theme, changeKindOf(k.status), STATUS_TEXT[k.status])}${' '.repeat(STATUS_WIDTH - STATUS_TEXT[k.status].length)}   ${keyPreview(k, previewWidth)}`,
  );
}

/** What writing the key does to the target, in the review's words: "+ value", "- value" or "now → after", in `width` columns. */
export function keyPreview(key: Pick<KeyDiff, 'status' | 'source' | 'target'>, width = 51): string {
  if (key.status === 'missing-in-target') return previewValue(key.source, width);
  if (key.status === 'missing-in-source') return previewValue(key.target, width);
  // valueCells never cuts both before their first difference.
  const [after, now] = valueCells(key, Math.max(5, Math.floor((width - 3) / 2)));
  return `${now} → ${after}`;
}

export async function promptConfirm(message: string, defaultAnswer = false): Promise<boolean> {
  const {confirm} = await inquirer();
  return confirm({message, default: defaultAnswer}, streams());
}
