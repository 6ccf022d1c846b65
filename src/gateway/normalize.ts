/**
 * DualShield clients write nested parameters as dotted keys ("product.id": 5,
 * "user.domain.name": "corp"). Expand them, at any depth, into nested objects so
 * schemas and handlers see one shape. A dotted key merges into an object given
 * explicitly under the same name. Recursive: callers bound the depth first
 * (json-limits.ts), counting each dotted segment as the level it becomes.
 */
export function expandDottedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandDottedKeys);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const path = key.includes('.') ? key.split('.') : [key];
    if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
      out[key] = expandDottedKeys(raw); // not a path; leave it for the schema to refuse
      continue;
    }
    let target = out;
    for (const segment of path.slice(0, -1)) {
      if (!isPlainObject(target[segment])) target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    const leaf = path[path.length - 1];
    const expanded = expandDottedKeys(raw);
    target[leaf] = isPlainObject(target[leaf]) && isPlainObject(expanded)
      ? { ...(target[leaf] as object), ...expanded }
      : expanded;
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
