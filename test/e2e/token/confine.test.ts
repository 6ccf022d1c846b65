import { startTestServer, TestServer } from '../../support/server';
import { makeUser, tokenRow } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

async function newSoftwareToken() {
  const user = await makeUser(s);
  return s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
}

describe('/token/confine and /token/release', () => {
  it('when a token is confined then outstanding links die, new ones are refused, and release does not revive old links', async () => {
    const token = await newSoftwareToken();
    const { url } = await s.call('/token/getDownloadUrl', { token: { serial: token.serial } });
    expect(await s.call('/token/confine', { token: { serial: token.serial } })).toEqual({ id: token.id, serial: token.serial, confined: true, linksRevoked: 1 });
    expect(await tokenRow(s, token.serial)).toMatchObject({ confined: true });

    const atDownload = await fetch(url, { headers: { accept: 'application/json' } });
    expect(atDownload.status).toBe(403);
    expect(await atDownload.json()).toMatchObject({ error: 3002, name: 'TOKEN_CONFINED' });
    const { status, body } = await s.rest('/token/getDownloadUrl', { token: { serial: token.serial } });
    expect(status).toBe(403);
    expect(body.name).toBe('TOKEN_CONFINED');

    expect(await s.call('/token/release', { token: { serial: token.serial } })).toEqual({ id: token.id, serial: token.serial, confined: false });
    expect((await fetch(url, { headers: { accept: 'application/json' } })).status).toBe(410);
    const fresh = await s.call('/token/getDownloadUrl', { token: { serial: token.serial } });
    expect((await fetch(fresh.url, { headers: { accept: 'application/json' } })).status).toBe(200);
  });

  it('when the token does not exist then TOKEN_NOT_FOUND', async () => {
    expect((await s.rpc('/token/confine', { token: { serial: 'nope' } })).error?.data.name).toBe('TOKEN_NOT_FOUND');
    expect((await s.rpc('/token/release', { token: { serial: 'nope' } })).error?.data.name).toBe('TOKEN_NOT_FOUND');
  });
});
