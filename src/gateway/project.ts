import { isStreamedList, mapList } from '../contract/streamed-list';
import { isPlainObject } from './normalize';

/**
 * DualShield's `return`: ["id","serial"], ["*"] for every simple field, and
 * {"assignedUsers":["id","loginName"]} for relations. Applied to each row of a
 * {total, rows} result, or to the result object itself. Unknown names are skipped.
 * Recursion follows the spec, which the pipeline has bounded (MAX_PARAMS_DEPTH), and
 * the result, which the server built.
 */
export type ReturnSpec = Array<string | Record<string, ReturnSpec>>;

export function projectResult(result: unknown, spec: ReturnSpec | undefined): unknown {
  if (spec && isStreamedList(result)) return mapList(result, (row) => projectValue(row, spec));
  if (!spec || !isPlainObject(result)) return result;
  if (Array.isArray(result.rows) && 'total' in result) {
    return { ...result, rows: result.rows.map((row) => projectValue(row, spec)) };
  }
  return projectValue(result, spec);
}

function projectValue(value: unknown, spec: ReturnSpec): unknown {
  if (Array.isArray(value)) return value.map((v) => projectValue(v, spec));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const entry of spec) {
    if (entry === '*') {
      for (const [k, v] of Object.entries(value)) if (isSimple(v)) out[k] = v;
    } else if (typeof entry === 'string') {
      if (entry in value) out[entry] = value[entry];
    } else {
      for (const [relation, sub] of Object.entries(entry)) {
        if (relation in value) out[relation] = projectValue(value[relation], sub);
      }
    }
  }
  return out;
}

function isSimple(v: unknown): boolean {
  return v === null || v instanceof Date || (typeof v !== 'object');
}
