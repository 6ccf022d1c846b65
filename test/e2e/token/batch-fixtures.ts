import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { seal } from '../../../src/domain/crypto/seal';
import { usernameKey } from '../../../src/domain/names/username-key';
import type { RestReply, TestServer } from '../../support/server';

/**
 * Data for the /token/batchAssignTokens tests, written with SQL directly and
 * set-based (one statement for any number of rows), so large fixtures stay fast.
 */
export async function createDomain(s: TestServer, name: string): Promise<string> {
  const [row] = await s.db.query('INSERT INTO domains (name, name_key) VALUES ($1, $2) RETURNING id', [name, usernameKey(name)]);
  return row.id;
}

export async function createUsers(s: TestServer, domainId: string, loginNames: string[]): Promise<string[]> {
  const rows = await s.db.query(
    `INSERT INTO users (domain_id, login_name, login_name_key)
     SELECT $1, n, k FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(n, k, i) ORDER BY i RETURNING id`,
    [domainId, loginNames, loginNames.map(usernameKey)]);
  return rows.map((r: { id: string }) => r.id);
}

/** Tokens of a product (DN/ST by default) with real sealed seeds; returns their ids in order. */
export async function createTokens(s: TestServer, serials: string[], opts: { product?: [string, string]; status?: string } = {}): Promise<string[]> {
  const [mc, pc] = opts.product ?? ['DN', 'ST'];
  const ids = serials.map(() => randomUUID());
  await s.db.query(
    `INSERT INTO tokens (id, product_id, serial, status, seed_sealed, algorithm, digits, period)
     SELECT t.id, p.id, t.serial, $5, t.seed, p.algorithm, p.digits, p.period
     FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS t(id, serial, seed)
     JOIN products p ON p.manufacturer_code = $4 AND p.product_code = $6`,
    [ids, serials, ids.map((id) => seal(s.keys.masterKey, randomBytes(20), id)), mc, opts.status ?? 'ACTIVE', pc]);
  return ids;
}

export async function assignToken(s: TestServer, tokenId: string, userId: string, role: 'owner' | 'shared' = 'owner'): Promise<void> {
  await s.db.query('INSERT INTO token_assignments (token_id, user_id, role) VALUES ($1, $2, $3)', [tokenId, userId, role]);
}

export interface AssignmentRow { serial: string; loginName: string; role: string; status: string; pinHash: string | null }

/** Every assignment of the tokens whose serial starts with `prefix`, by serial. */
export async function assignmentsOf(s: TestServer, prefix: string): Promise<AssignmentRow[]> {
  return s.db.query(
    `SELECT t.serial, u.login_name AS "loginName", a.role, a.status, a.pin_hash AS "pinHash"
     FROM token_assignments a JOIN tokens t ON t.id = a.token_id JOIN users u ON u.id = a.user_id
     WHERE t.serial LIKE $1 || '%' ORDER BY t.serial, u.login_name`, [prefix]);
}

/** The whole table, to show that a call changed nothing. */
export async function allAssignments(s: TestServer): Promise<unknown[]> {
  return s.db.query('SELECT token_id, user_id, role, status, pin_hash FROM token_assignments ORDER BY token_id, user_id');
}

/** POST the file itself as the text/csv body of the legacy route; attrs go in the query. */
export async function uploadCsv(
  s: TestServer, body: string | Buffer, opts: { query?: Record<string, string | boolean>; contentType?: string; key?: string } = {},
): Promise<RestReply> {
  const query = new URLSearchParams(Object.entries(opts.query ?? {}).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${s.url}/rest/token/batchAssignTokens?${query}`, {
    method: 'POST',
    headers: { 'content-type': opts.contentType ?? 'text/csv', authorization: `Bearer ${opts.key ?? s.adminKey}` },
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export type BatchForm = (s: TestServer, csv: string, attrs?: Record<string, string | boolean>) => Promise<RestReply>;

/** The two ways to send a batch, for tests that must hold for both. */
export const batchForms: [string, BatchForm][] = [
  ['JSON attrs.csv', (s, csv, attrs = {}) => s.rest('/token/batchAssignTokens', { attrs: { csv, ...attrs } })],
  ['text/csv upload', (s, csv, attrs = {}) => uploadCsv(s, csv, { query: attrs, contentType: 'text/csv; charset=utf-8' })],
];

export const HEADER = 'domain,loginName,manufacturerCode,productCode,serial,status,pin';

/**
 * SPEC §8's bulk PIN form, checked from its definition rather than through the server's
 * code: "hmac-sha256$<salt>$<mac>", mac = HMAC-SHA-256(pepper, salt ‖ PIN).
 */
export function bulkPinMatches(pepper: Buffer, pin: string, stored: string): boolean {
  const [scheme, salt, mac] = stored.split('$');
  if (scheme !== 'hmac-sha256') return false;
  const expected = createHmac('sha256', pepper).update(Buffer.from(salt, 'base64')).update(pin).digest();
  return timingSafeEqual(expected, Buffer.from(mac, 'base64'));
}
