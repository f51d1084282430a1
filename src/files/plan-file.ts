import {readFileSync} from 'node:fs';
import {Ajv2020, type ErrorObject} from 'ajv/dist/2020.js';
import {load as loadYaml} from 'js-yaml';
import diffReportSchema from '../../schema/diff-report.schema.json' with {type: 'json'};
import restartReportSchema from '../../schema/restart-report.schema.json' with {type: 'json'};
import syncPlanSchema from '../../schema/sync-plan.schema.json' with {type: 'json'};
import {DIFF_API_VERSION} from '../core/diff.js';
import {describeParseError, UsageError} from '../core/errors.js';

/**
 * Reads a saved plan (a DiffReport or a SyncPlan, JSON or YAML, "-" for stdin) and checks it
 * against its schema: a file read back is untrusted, and a malformed one is one line naming
 * what is wrong, never a TypeError.
 */
export function readPlanDocument(path: string): unknown {
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--plan: cannot read ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  let document: unknown;
  try {
    document = loadYaml(text);
  } catch (error) {
    // Never quote the file: a plan made with --show-secrets holds values.
    throw new UsageError(`--plan: ${path} is ${describeParseError(error, 'JSON or YAML')}`);
  }
  validatePlanDocument(document, path);
  return document;
}

let validators: {DiffReport: ReturnType<Ajv2020['compile']>; SyncPlan: ReturnType<Ajv2020['compile']>} | undefined;

export function validatePlanDocument(document: unknown, path: string): void {
  const doc = document as {apiVersion?: unknown; kind?: unknown} | null;
  if (!doc || typeof doc !== 'object' || doc.apiVersion !== DIFF_API_VERSION || (doc.kind !== 'DiffReport' && doc.kind !== 'SyncPlan')) {
    throw new UsageError(
      `--plan: expected a DiffReport (diff -o json) or a SyncPlan (sync --dry-run=client -o json) of apiVersion ${DIFF_API_VERSION} in ${path}`,
    );
  }
  if (!validators) {
    const ajv = new Ajv2020({allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true});
    ajv.addSchema(diffReportSchema);
    ajv.addSchema(restartReportSchema);
    validators = {DiffReport: ajv.compile({$ref: `${diffReportSchema.$id}#/$defs/DiffReport`}), SyncPlan: ajv.compile(syncPlanSchema)};
  }
  const validate = validators[doc.kind];
  if (!validate(document)) throw new UsageError(`--plan: ${path} is not a valid ${doc.kind}: ${describeError(validate.errors?.[0])}`);
}

function describeError(error: ErrorObject | undefined): string {
  if (!error) return 'invalid';
  const where = error.instancePath || '(top level)';
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown field "${(error.params as {additionalProperty: string}).additionalProperty}"`;
  return `${where} ${error.message ?? 'is invalid'}`;
}
