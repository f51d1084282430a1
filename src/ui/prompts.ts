import type {KeyDiff, ObjectDiff} from '../core/diff.js';
import {syncableKeys} from '../core/sync-plan.js';
import {objectRef} from '../core/types.js';
import {changeKindOf} from './render-diff.js';
import {previewValue} from './render-sync.js';
import {CHANGE_SYMBOL} from './theme.js';
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

const STATUS: Record<KeyDiff['status'], string> = {
  identical: 'identical',
  different: 'different',
  'missing-in-target': 'missing in target',
  'missing-in-source': 'only in target',
};

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
export async function promptKeys(object: ObjectDiff, prune: boolean): Promise<Set<string>> {
  const {checkbox} = await inquirer();
  const keys = syncableKeys(object, prune);
  const width = Math.max(...keys.map((k) => k.key.length));
  const chosen = await checkbox(
    {
      message: `Keys of ${objectRef(object)} to write (+ added, - removed, ~ changed: target now → after sync)`,
      choices: [
        {value: ALL_KEYS, name: `all different keys (${keys.length})`},
        ...keys.map((k) => ({
          value: `${k.section}\0${k.key}`,
          name: `${CHANGE_SYMBOL[changeKindOf(k.status)]} ${k.key.padEnd(width)}   ${STATUS[k.status].padEnd(17)}   ${keyPreview(k)}`,
        })),
      ],
      required: true,
      pageSize: 15,
    },
    streams(),
  );
  if (chosen.includes(ALL_KEYS)) return new Set(keys.map((k) => `${k.section}\0${k.key}`));
  return new Set(chosen);
}

/** What writing the key does to the target, in the review's words: "+ value", "- value" or "now → after". */
export function keyPreview(key: Pick<KeyDiff, 'status' | 'source' | 'target'>): string {
  if (key.status === 'missing-in-target') return previewValue(key.source);
  if (key.status === 'missing-in-source') return previewValue(key.target);
  return `${previewValue(key.target)} → ${previewValue(key.source)}`;
}

export async function promptConfirm(message: string, defaultAnswer = false): Promise<boolean> {
  const {confirm} = await inquirer();
  return confirm({message, default: defaultAnswer}, streams());
}
