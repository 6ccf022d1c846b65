import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/device/search', () => {
  it('when devices are registered then an operator key lists them with their live token count, never a token, and not the unregistered', async () => {
    const key = await s.keyWith(['device']);
    const kept = await s.call('/device/register', { attrs: { name: 'door-sensor', type: 'sensor' } }, key);
    const gone = await s.call('/device/register', { attrs: { name: 'door-old' } }, key);
    await s.call('/device/createSessionToken', { uuid: kept.uuid, tag: 'app' }, key);
    await s.call('/device/unregister', { uuid: gone.uuid }, key);

    const reply = await s.call('/device/search', { match: [['name', 'like', 'door-%']] }, key);
    expect(reply).toEqual({ total: 1, rows: [{ uuid: kept.uuid, name: 'door-sensor', type: 'sensor', owner: null, createdAt: expect.any(String), updatedAt: expect.any(String), sessionTokens: 1 }] });
    expect(JSON.stringify(reply)).not.toContain(kept.token);
  });

  it('when a device calls it then FORBIDDEN: devices see others only through their whitelists', async () => {
    const { uuid, token } = await s.call('/device/register', { attrs: {} });
    const res = await s.rest('/device/search', {}, { key: null, headers: { authorization: `Basic ${Buffer.from(`${uuid}:${token}`).toString('base64')}` } });
    expect([res.status, res.body.name]).toEqual([403, 'FORBIDDEN']);
  });
});

describe('/device/revokeTokensByQuery by metadata id', () => {
  it('when an operator revokes a session token by its listed id then only that token stops working', async () => {
    const { uuid } = await s.call('/device/register', { attrs: {} });
    const first = await s.call('/device/createSessionToken', { uuid, tag: 'a' });
    const second = await s.call('/device/createSessionToken', { uuid, tag: 'a' });
    const { rows } = await s.call('/device/searchTokens', { uuid });
    const firstId = rows.find((r: { createdAt: string }) => r.createdAt === first.createdAt).id;

    expect(await s.call('/device/revokeTokensByQuery', { uuid, id: firstId })).toEqual({ revoked: 1 });
    expect(await s.call('/device/verifyToken', { uuid, token: first.token })).toEqual({ valid: false });
    expect(await s.call('/device/verifyToken', { uuid, token: second.token })).toEqual({ valid: true });
  });

  it('when both or neither of tag and id are given then INVALID_PARAMS and nothing is revoked', async () => {
    const { uuid } = await s.call('/device/register', { attrs: {} });
    const t = await s.call('/device/createSessionToken', { uuid, tag: 'x' });
    const { rows } = await s.call('/device/searchTokens', { uuid });
    expect((await s.rpc('/device/revokeTokensByQuery', { uuid, tag: 'x', id: rows[0].id })).error?.data.name).toBe('INVALID_PARAMS');
    expect((await s.rpc('/device/revokeTokensByQuery', { uuid })).error?.data.name).toBe('INVALID_PARAMS');
    expect(await s.call('/device/verifyToken', { uuid, token: t.token })).toEqual({ valid: true });
  });
});
