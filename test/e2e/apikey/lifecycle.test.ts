import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/apikey/create, /apikey/revoke', () => {
  it('creates a key that works for its scope, stores only its hash, and stops working when revoked', async () => {
    const { id, key } = await s.call('/apikey/create', { attrs: { name: 'auditor', scopes: ['audit:read'] } });
    expect(key).toMatch(/^tgk_[A-Za-z0-9_-]{43}$/);
    const [row] = await s.db.query('SELECT key_hash FROM api_keys WHERE id = $1', [id]);
    expect(row.key_hash.toString('hex')).not.toContain(Buffer.from(key).toString('hex'));

    expect((await s.rest('/audit/search', {}, { key })).status).toBe(200);
    expect(await s.call('/apikey/revoke', { id })).toEqual({ id, revokedAt: expect.any(String) });
    const after = await s.rest('/audit/search', {}, { key });
    expect(after.status).toBe(401);
  });
});

describe('/audit/search', () => {
  it('records every call with caller, outcome and error name, and never a secret', async () => {
    const { key } = await s.call('/apikey/create', { attrs: { name: 'secret-holder', scopes: ['device'] } });
    await s.rest('/apikey/search', {}, { key });
    const { rows } = await s.call('/audit/search', { match: [['method', 'like', '/apikey/%']], limit: 1000 });
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ method: '/apikey/search', outcome: 'error', errorName: 'FORBIDDEN' }),
      expect.objectContaining({ method: '/apikey/create', outcome: 'ok', errorName: null }),
    ]));
    const dump = JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(dump).not.toContain(key);
  });
});
