import { randomUUID } from 'node:crypto';
import { E } from '../../../src/errors';
import type { TestServer } from '../../support/server';

/** Domains and users made with SQL (the directory methods are another family's). */
export async function makeUser(s: TestServer, domainId?: string): Promise<{ ecosystemId: string; id: string }> {
  // Lower-case ASCII names: each is its own key (src/domain/names/username-key.ts).
  const domainName = `eco-${randomUUID()}`;
  const ecosystemId = domainId ?? (await s.db.query(`INSERT INTO domains (name, name_key) VALUES ($1, $1) RETURNING id`, [domainName]))[0].id;
  const [{ id }] = await s.db.query(`INSERT INTO users (domain_id, login_name, login_name_key) VALUES ($1, $2, $2) RETURNING id`, [ecosystemId, `u-${randomUUID()}`]);
  return { ecosystemId, id };
}

export const tombstoneUser = (s: TestServer, id: string) => s.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [id]);
export const tombstoneDomain = (s: TestServer, id: string) => s.db.query('UPDATE domains SET deleted_at = now() WHERE id = $1', [id]);
export const countTokens = async (s: TestServer) => (await s.db.query('SELECT count(*)::int AS n FROM user_tokens'))[0].n as number;

export type ErrorName = keyof typeof E;

/** The same call on both envelopes fails with `name`: JSON-RPC (HTTP 200, error.data.name) and legacy REST (the catalog status). */
export async function expectErrorOnBothEnvelopes(s: TestServer, method: string, params: unknown, name: ErrorName, key?: string) {
  const def = E[name];
  const rpc = await s.rpc(method, params, key);
  expect(rpc).toEqual({ jsonrpc: '2.0', id: 1, error: { code: def.code, message: def.message, data: expect.objectContaining({ name }) } });
  const rest = await s.rest(method, params, key ? { key } : undefined);
  expect(rest.status).toBe(def.status);
  expect(rest.body).toEqual({ error: def.code, name, message: def.message, data: expect.any(Object) });
  return { rpc: rpc.error!, rest: rest.body };
}

