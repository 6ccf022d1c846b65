import type { Request } from 'express';

/** The Connector's list filters tokengate can answer, and how their text values read. */
const FIELDS: Readonly<Record<string, 'text' | 'time' | 'int'>> = {
  createdAt: 'time', expiresAt: 'time', createdBy: 'text', forIdentity: 'text', maxNumberOfAllocations: 'int', templateId: 'text',
};

/**
 * enmeshed's query strings (`createdAt=>2024-01-01`, `isOwn=true`, a key repeated for a
 * range) as the search methods' params: `match` entries, ANDed. A key tokengate does not
 * filter on is passed as it is, so the method's schema names it (QUERY_FIELD_NOT_ALLOWED).
 */
export function connectorQuery(query: Request['query'], fields: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const match: Array<[string, string, unknown]> = [];
  for (const [key, raw] of Object.entries(query)) {
    if (key === 'isOwn' && fields.includes(key)) {
      params.isOwn = raw === 'true' ? true : raw === 'false' ? false : raw;
    } else if (FIELDS[key] && fields.includes(key)) {
      for (const value of Array.isArray(raw) ? raw : [raw]) match.push(entry(key, String(value)));
    } else {
      params[key] = raw;
    }
  }
  return match.length ? { ...params, match } : params;
}

function entry(field: string, text: string): [string, string, unknown] {
  const [, op = '', rest] = /^(>=|<=|>|<|!)?(.*)$/s.exec(text)!;
  const value = FIELDS[field] === 'int' && /^\d+$/.test(rest) ? Number(rest) : rest;
  return [field, op === '!' ? '!=' : op || '=', value];
}
