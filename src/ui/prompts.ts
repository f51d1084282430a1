import type {KeyDiff, ObjectDiff} from '../core/diff.js';
import {syncableKeys} from '../core/sync-plan.js';
import {objectRef} from '../core/types.js';
import {changeKindOf, STATUS_TEXT, valueCells} from './render-diff.js';
import {previewValue} from './render-sync.js';
import {shortenMiddle} from './table.js';
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

export async function promptObjects(objects: ObjectDiff[], prune: boolean): Promise<string[]> {
  const {checkbox} = await inquirer();
  return checkbox(
    {
      message: 'Objects to sync (space to select, enter to continue)',
      choices: objects.map((o) => ({
        value: objectRef(o),
        name: `${CHANGE_SYMBOL[o.status === 'missing-in-target' ? 'added' : 'changed']} ${objectRef(o)}   ${o.status === 'missing-in-target' ? 'missing in target: create' : `different (${counted(syncableKeys(o, prune).length, 'key')})`}`,
      })),
      required: true,
      pageSize: 15,
    },
    streams(),
  );
}

/** Returns the chosen keys as "section\0key". */
export async function promptKeys(object: ObjectDiff, prune: boolean, theme?: Theme): Promise<Set<string>> {
  const {checkbox} = await inquirer();
  const keys = syncableKeys(object, prune);
  const names = keyChoiceNames(keys, outputWidth({stream: process.stderr}), theme);
  const chosen = await checkbox(
    {
      message: `Keys of ${objectRef(object)} to write (+ added, - removed, ~ changed: target now → after sync)`,
      choices: [
        {value: ALL_KEYS, name: `all different keys (${keys.length})`},
        ...keys.map((k, i) => ({value: `${k.section}\0${k.key}`, name: names[i]})),
      ],
      required: true,
      pageSize: 15,
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
  const widest = Math.max(0, ...keys.map((k) => k.key.length));
  const fixed = 2 + 3 + STATUS_WIDTH + 3;
  const keyWidth = Math.min(widest, Math.max(12, Math.floor((available - fixed) / 2)));
  const previewWidth = Math.max(10, available - fixed - keyWidth);
  return keys.map(
    (k) =>
      `${CHANGE_SYMBOL[changeKindOf(k.status)]} ${shortenMiddle(k.key, keyWidth).padEnd(keyWidth)}   ${paintChange(theme, changeKindOf(k.status), STATUS_TEXT[k.status])}${' '.repeat(STATUS_WIDTH - STATUS_TEXT[k.status].length)}   ${keyPreview(k, previewWidth)}`,
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
