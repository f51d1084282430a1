import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {load as loadYaml} from 'js-yaml';
import {describeParseError, UsageError} from '../core/errors.js';
import type {IgnoreRules} from '../core/ignore.js';

export const RULES_FILE_NAME = '.configsync.yaml';

/**
 * Reads ignore rules kept in the user's repository:
 *
 *   ignore:
 *     keys: [DB_HOST, "*.endpoint", "app-config:LOG_LEVEL"]
 *     objects: ["*-local"]
 *
 * With no path, looks for .configsync.yaml from the working directory upward.
 */
export function loadRulesFile(path: string | undefined, cwd = process.cwd()): IgnoreRules | undefined {
  const file = path ? resolve(cwd, path) : findUpward(cwd);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`rules file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  let parsed: unknown;
  try {
    parsed = loadYaml(text);
  } catch (error) {
    throw new UsageError(`rules file ${file} is ${describeParseError(error, 'JSON or YAML')}`);
  }
  return parseRules(parsed, file);
}

export function parseRules(parsed: unknown, file: string): IgnoreRules {
  if (parsed === null || parsed === undefined) return {keys: [], objects: []};
  const ignore = (parsed as {ignore?: unknown}).ignore;
  if (typeof parsed !== 'object' || (ignore !== undefined && (typeof ignore !== 'object' || ignore === null))) {
    throw new UsageError(`rules file ${file}: expected "ignore:" with "keys:" and "objects:" lists`);
  }
  const list = (field: 'keys' | 'objects'): string[] => {
    const value = (ignore as Record<string, unknown> | undefined)?.[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new UsageError(`rules file ${file}: ignore.${field} must be a list of strings`);
    }
    return value as string[];
  };
  return {keys: list('keys'), objects: list('objects')};
}

function findUpward(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, RULES_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
