import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser } from './fixtures';

/** Only a request that asks for the payload by name spends a link (SPEC §1). */
const ASK_JSON = { headers: { accept: 'application/json' } };

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

async function newSoftwareToken() {
  const user = await makeUser(s);
  const token = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
  return { user, token };
}

describe('/token/getDownloadUrl and GET /download/<code>', () => {
  it('when a link is made then only its keyed hash is stored and it works once', async () => {
    const { token } = await newSoftwareToken();
    const { url, expiresAt } = await s.call('/token/getDownloadUrl', { token: { serial: token.serial }, ttl: 60 });
    expect(url).toMatch(new RegExp(`^${s.url}/download/tgd_[A-Za-z0-9_-]{43}$`));
    expect(Math.abs(Date.parse(expiresAt) - Date.now() - 60_000)).toBeLessThan(5000);
    const code = url.split('/').pop()!;
    const links = await s.db.query('SELECT code_hash, used_at FROM token_download_links WHERE token_id = $1', [token.id]);
    expect(links).toEqual([{ code_hash: expect.any(Buffer), used_at: null }]);
    expect(links[0].code_hash.toString('latin1')).not.toContain(code);

    const first = await fetch(url, ASK_JSON);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(((await first.json()) as any).serial).toBe(token.serial);
    const second = await fetch(url, ASK_JSON);
    expect(second.status).toBe(410);
    expect(await second.json()).toEqual({ error: 6001, name: 'DOWNLOAD_LINK_EXPIRED', message: 'The download link was used or has expired', data: {} });
  });

  it('when the client asks for image/png then the QR code comes as a PNG', async () => {
    const { token } = await newSoftwareToken();
    const { url } = await s.call('/token/getDownloadUrl', { id: token.id });
    const res = await fetch(url, { headers: { accept: 'image/png' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('when ten clients race for one link then exactly one gets the payload', async () => {
    const { token } = await newSoftwareToken();
    const { url } = await s.call('/token/getDownloadUrl', { id: token.id });
    const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await fetch(url, ASK_JSON)).status));
    expect(statuses.filter((st) => st === 200)).toHaveLength(1);
    expect(statuses.filter((st) => st === 410)).toHaveLength(9);
  });

  it('when the link has expired then 410 DOWNLOAD_LINK_EXPIRED', async () => {
    const { token } = await newSoftwareToken();
    const { url } = await s.call('/token/getDownloadUrl', { id: token.id });
    await s.db.query(`UPDATE token_download_links SET expires_at = now() - interval '1 second' WHERE token_id = $1`, [token.id]);
    expect((await fetch(url, ASK_JSON)).status).toBe(410);
  });

  it('when the code was never issued then 404', async () => {
    const res = await fetch(`${s.url}/download/tgd_${'A'.repeat(43)}`, ASK_JSON);
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).name).toBe('NOT_FOUND');
  });

  it('when the token is a hardware one then TOKEN_NOT_DOWNLOADABLE', async () => {
    await importCsv(s, [`HW-1,${'aa'.repeat(20)},HOTP,6,0`]);
    const { status, body } = await s.rest('/token/getDownloadUrl', { token: { serial: 'HW-1' } });
    expect(status).toBe(403);
    expect(body).toMatchObject({ error: 3003, name: 'TOKEN_NOT_DOWNLOADABLE' });
  });

  it.each([
    ['a ttl of 0', { ttl: 0 }],
    ['a ttl over 7 days', { ttl: 604801 }],
  ])('when given %s then INVALID_PARAMS', async (_what, extra) => {
    const { token } = await newSoftwareToken();
    expect((await s.rpc('/token/getDownloadUrl', { id: token.id, ...extra })).error?.data.name).toBe('INVALID_PARAMS');
  });
});
