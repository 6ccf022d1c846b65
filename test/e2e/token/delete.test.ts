import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, softwareTokenWithSeed } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/token/delete', () => {
  it('when a user is given then only that assignment goes and the token stays', async () => {
    await importCsv(s, [`D-1,${'aa'.repeat(20)},HOTP,6,0`]);
    const owner = await makeUser(s);
    const other = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'D-1' }, user: { id: owner.id } });
    await s.call('/token/assign', { token: { serial: 'D-1' }, user: { id: other.id }, shared: true });
    const reply = await s.call('/token/delete', { token: { serial: 'D-1' }, user: { id: owner.id } });
    expect(reply).toEqual({ id: expect.any(String), serial: 'D-1', unassigned: owner.id });
    const users = await s.db.query(`SELECT a.user_id FROM token_assignments a JOIN tokens t ON t.id = a.token_id WHERE t.serial = 'D-1'`);
    expect(users).toEqual([{ user_id: other.id }]);
    // the owner slot is free again
    expect((await s.call('/token/assign', { token: { serial: 'D-1' }, user: { id: owner.id } })).role).toBe('owner');
  });

  it('when the user does not hold the token then TOKEN_NOT_FOUND and nothing changes', async () => {
    await importCsv(s, [`D-2,${'aa'.repeat(20)},HOTP,6,0`]);
    const user = await makeUser(s);
    expect((await s.rpc('/token/delete', { token: { serial: 'D-2' }, user: { id: user.id } })).error?.data.name).toBe('TOKEN_NOT_FOUND');
    expect(await s.db.query(`SELECT 1 FROM tokens WHERE serial = 'D-2'`)).toHaveLength(1);
  });

  it('when no user is given then the token goes with its assignments and download links', async () => {
    const t = await softwareTokenWithSeed(s);
    await s.call('/token/getDownloadUrl', { id: t.token.id });
    expect(await s.call('/token/delete', { id: t.token.id })).toEqual({ id: t.token.id, serial: t.token.serial, deleted: true });
    for (const table of ['tokens WHERE id', 'token_assignments WHERE token_id', 'token_download_links WHERE token_id']) {
      expect(await s.db.query(`SELECT 1 FROM ${table} = $1`, [t.token.id])).toEqual([]);
    }
    expect((await s.rpc('/token/get', { id: t.token.id })).error?.data.name).toBe('TOKEN_NOT_FOUND');
  });

  it('when the token does not exist then TOKEN_NOT_FOUND', async () => {
    expect((await s.rpc('/token/delete', { token: { serial: 'never' } })).error?.data.name).toBe('TOKEN_NOT_FOUND');
  });
});
