import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js';
import {expect} from 'vitest';

/** Every JSON document the tool emits or reads back has a schema in schema/ (draft 2020-12). */
export const DOCUMENT_SCHEMAS = [
  'diff-report',
  'sync-plan',
  'sync-result',
  'restart-report',
  'undo-result',
  'fanout-plan',
  'fanout-status',
  'run-journal',
] as const;
export type DocumentSchema = (typeof DOCUMENT_SCHEMAS)[number];

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'schema');
let ajv: Ajv2020 | undefined;
const validators = new Map<DocumentSchema, ValidateFunction>();

export function loadSchema(name: string): {$id: string} & Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')) as {$id: string};
}

export function validatorFor(name: DocumentSchema): ValidateFunction {
  let validate = validators.get(name);
  if (validate) return validate;
  if (!ajv) {
    ajv = new Ajv2020({allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true});
    for (const other of DOCUMENT_SCHEMAS) ajv.addSchema(loadSchema(other));
  }
  validate = ajv.getSchema(loadSchema(name).$id)!;
  validators.set(name, validate);
  return validate;
}

/** Fails with ajv's own words when the document does not match schema/NAME.schema.json. */
export function expectSchema(name: DocumentSchema, document: unknown): void {
  const validate = validatorFor(name);
  const ok = validate(document);
  expect(validate.errors ?? [], `${name}: ${JSON.stringify(validate.errors, null, 1)}`).toEqual([]);
  expect(ok).toBe(true);
}

/** For e2e tests: parses a command's -o json stdout and checks it against its schema; returns the document. */
export function expectJsonOutput<T = unknown>(name: DocumentSchema, stdout: string): T {
  const document = JSON.parse(stdout) as T;
  expectSchema(name, document);
  return document;
}
