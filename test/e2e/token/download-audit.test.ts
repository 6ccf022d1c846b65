import { startTestServer, TestServer } from '../../support/server';
import { makeUser } from './fixtures';

/** Only a request that asks for the payload by name spends a link (SPEC §1). */
const ASK_JSON = { headers: { accept: 'application/json' } };

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const downloadsAudited = async (target?: string) => (await s.call('/audit/search', {
  match: [['method', '=', '/download'], ...(target ? [['target', '=', target]] : [])], orderBy: ['time'],
})).rows;

async function newLink() {
  const user = await makeUser(s);
  const token = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
  const { url } = await s.call('/token/getDownloadUrl', { token: { serial: token.serial } });
  return { token, url: url as string, code: (url as string).split('/').pop()! };
}

describe('GET /download/<code> in the audit log', () => {
  it('when a link is used and then tried again then /audit/search shows the download and the 410, against the serial', async () => {
    const { token, url, code } = await newLink();
    const first = await fetch(url, ASK_JSON);
    expect(first.status).toBe(200);
    const { otpauthUri } = await first.json() as { otpauthUri: string };
    expect((await fetch(url, ASK_JSON)).status).toBe(410);

    const rows = await downloadsAudited(token.serial);
    expect(rows).toEqual([
      { time: expect.any(String), caller: null, method: '/download', target: token.serial, outcome: 'ok', errorName: null, durationMs: expect.any(Number) },
      { time: expect.any(String), caller: null, method: '/download', target: token.serial, outcome: 'error', errorName: 'DOWNLOAD_LINK_EXPIRED', durationMs: expect.any(Number) },
    ]);
    const everything = JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(new URL(otpauthUri).searchParams.get('secret'));
  });

  it('when the PNG is asked for then that download is audited too', async () => {
    const { token, url } = await newLink();
    expect((await fetch(url, { headers: { accept: 'image/png' } })).status).toBe(200);
    expect(await downloadsAudited(token.serial)).toEqual([expect.objectContaining({ outcome: 'ok', errorName: null })]);
  });

  it('when the token was confined after the link was made then the refusal is audited against it', async () => {
    const { token, url } = await newLink();
    await s.call('/token/confine', { token: { serial: token.serial } });
    expect((await fetch(url, ASK_JSON)).status).toBe(403);
    expect(await downloadsAudited(token.serial)).toEqual([expect.objectContaining({ outcome: 'error', errorName: 'TOKEN_CONFINED' })]);
  });

  it('when the code names no link then the 404 is audited with no target and never the code', async () => {
    const code = `tgd_${'x'.repeat(43)}`;
    const before = (await downloadsAudited()).length;
    const res = await fetch(`${s.url}/download/${code}`, ASK_JSON);
    expect(res.status).toBe(404);
    const rows = await downloadsAudited();
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ caller: null, target: null, outcome: 'error', errorName: 'NOT_FOUND' });
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(code);
  });
});
