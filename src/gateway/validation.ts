import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, E, findErrorDef } from '../errors';

/**
 * One ajv for the whole server. Schemas are the contract: schemas/<object>/<method>.json,
 * $id = the method name, plus schemas/common.json for shared definitions.
 * A property may name the catalog error its violation means with "x-error"
 * (e.g. ttl → TOKEN_DURATION_INVALID); an unknown property means QUERY_FIELD_NOT_ALLOWED.
 */
export function createValidator(schemaDir: string) {
  // strictRequired off: "anyOf": [{"required": ["id"]}, {"required": ["name"]}] (common.json's userRef etc.) names
  // properties declared beside the anyOf, which strict mode would refuse.
  const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, strict: true, strictRequired: false, allowUnionTypes: true, keywords: ['x-error', 'x-examples'] });
  addFormats(ajv);
  ajv.addSchema(readJson(join(schemaDir, 'common.json')));

  return {
    schemaPath: (methodName: string) => join(schemaDir, `${methodName.replace(/^\//, '')}.json`),
    compile(methodName: string): (params: unknown) => void {
      const schema = readJson(join(schemaDir, `${methodName.replace(/^\//, '')}.json`));
      if (schema.$id !== methodName) throw new Error(`schema for ${methodName} has $id ${schema.$id}`);
      const validate = ajv.compile(schema);
      return (params) => { if (!validate(params)) throw toAppError(validate); };
    },
  };
}

function toAppError(validate: ValidateFunction): AppError {
  const errors = validate.errors ?? [];
  const listed = errors.map(describe);
  const named = errors.map((e) => e.parentSchema?.['x-error']).find((n): n is string => typeof n === 'string');
  const def = named ? findErrorDef(named) : undefined;
  if (def) return AppError.of(def, { errors: listed });
  if (errors.length > 0 && errors.every((e) => e.keyword === 'additionalProperties')) {
    return AppError.of(E.QUERY_FIELD_NOT_ALLOWED, { errors: listed });
  }
  return AppError.of(E.INVALID_PARAMS, { errors: listed });
}

function describe(e: ErrorObject) {
  const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
  return { path: e.instancePath || '/', message: `${e.message ?? 'is invalid'}${extra}` };
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
