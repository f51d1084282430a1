import {existsSync, readFileSync} from 'node:fs';
import {dirname, isAbsolute, join, relative, resolve} from 'node:path';
import {load as loadYaml} from 'js-yaml';
import type {ErrorObject, ValidateFunction} from 'ajv';
import {describeParseError, UsageError} from '../core/errors.js';
import {compileSchema} from '../core/schema-validator.js';
import {isKeyIgnored, isObjectIgnored, type IgnoreRules} from '../core/ignore.js';
import rulesSchema from '../../schema/rules-file.schema.json' with {type: 'json'};

export const RULES_FILE_NAME = '.configsync.yaml';

/** Rules read from a file, with the file they came from (for messages). */
export interface RulesFile extends IgnoreRules {
  file: string;
}

/**
 * Reads ignore rules kept in the user's repository, validated against
 * schema/rules-file.schema.json:
 *
 *   ignore:
 *     keys: [DB_HOST, "*.endpoint", "app-config:LOG_LEVEL"]
 *     objects: ["*-local"]
 *
 * With no path, looks for .configsync.yaml from the working directory upward.
 */
export async function loadRulesFile(path: string | undefined, cwd = process.cwd()): Promise<RulesFile | undefined> {
  const file = path ? resolve(cwd, path) : findUpward(cwd);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`rules file ${shownPath(file)}: ${(error as Error).message.split('\n')[0]}`);
  }
  let parsed: unknown = null;
  try {
    // An empty file (or only comments) is an empty rule set.
    if (!/^\s*(#.*\s*)*$/.test(text)) parsed = loadYaml(text);
  } catch (error) {
    throw new UsageError(`rules file ${shownPath(file)} is ${describeParseError(error, 'JSON or YAML')}`);
  }
  return {...parseRules(parsed, file, await rulesValidator()), file};
}

let validator: ValidateFunction | undefined;

/** Ajv is loaded only when a rules file is read, so other runs start without it. */
async function rulesValidator(): Promise<ValidateFunction> {
  if (!validator) {
    validator = await compileSchema(rulesSchema, '07', {allErrors: true, strict: false});
  }
  return validator;
}

export function parseRules(parsed: unknown, file: string, validate: ValidateFunction): IgnoreRules {
  if (!validate(parsed)) throw new UsageError(`rules file ${shownPath(file)}: ${describeSchemaError(validate.errors ?? [], parsed)}`);
  const ignore = (parsed as {ignore?: {keys?: string[] | null; objects?: string[] | null} | null} | null)?.ignore;
  return {keys: ignore?.keys ?? [], objects: ignore?.objects ?? []};
}

/** The first schema error, in words that name the allowed fields. */
function describeSchemaError(errors: ErrorObject[], parsed: unknown): string {
  const error = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0];
  const at = error.instancePath
    .replace(/^\//, '')
    .replace(/\/(\d+)/g, '[$1]')
    .replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') {
    const field = (error.params as {additionalProperty: string}).additionalProperty;
    const allowed = Object.keys(schemaAt(error.schemaPath).properties ?? {});
    return `unknown field "${at ? `${at}.` : ''}${field}" (allowed${at ? ` in ${at}` : ''}: ${allowed.join(', ')})`;
  }
  if (error.keyword === 'type' && at === '' && Array.isArray(parsed))
    return 'expected a mapping with "ignore:" (allowed fields: ignore), not a list';
  if (error.keyword === 'type')
    return `${at || 'the file'} must be ${at.endsWith(']') ? 'a string' : at === '' ? 'a mapping with "ignore:"' : at === 'ignore' ? 'a mapping with "keys:" and "objects:"' : 'a list of strings'}`;
  return `${at || 'the file'} ${error.message ?? 'is not valid'}`;
}

/** The schema node an error's schemaPath points into (its parent object). */
function schemaAt(schemaPath: string): {properties?: Record<string, unknown>} {
  let node: unknown = rulesSchema;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return node !== null && typeof node === 'object' ? node : {};
}

/** Rules of a file that matched no object and no key read in this run, as warnings. */
export function unmatchedRules(rules: RulesFile, objects: Array<{name: string; keys: string[]}>): string[] {
  const warnings: string[] = [];
  for (const pattern of rules.objects) {
    if (!objects.some((o) => isObjectIgnored({keys: [], objects: [pattern]}, o.name))) warnings.push(`ignore.objects "${pattern}"`);
  }
  for (const pattern of rules.keys) {
    if (!objects.some((o) => o.keys.some((key) => isKeyIgnored({keys: [pattern], objects: []}, o.name, key))))
      warnings.push(`ignore.keys "${pattern}"`);
  }
  return warnings.map((rule) => `warning: rules file ${shownPath(rules.file)}: ${rule} matched nothing in this run`);
}

/** A file under the working directory by its path from there (".configsync.yaml"), any other in full. */
export function shownPath(file: string, cwd = process.cwd()): string {
  const fromHere = relative(cwd, file);
  return fromHere && !fromHere.startsWith('..') && !isAbsolute(fromHere) ? fromHere : file;
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
