import { get } from 'node:http';
import { base32Decode, generateTotp } from '../../../src/domain/otp';
import { startTestServer, TestServer } from '../../support/server';
import { makeUser } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

// What Chromium sends when a person opens the link.
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';

async function linkForNewUser() {
  const user = await makeUser(s, { domain: 'Example Corp' });
  const token = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
  const { url } = await s.call('/token/getDownloadUrl', { id: token.id });
  const usedAt = async () => (await s.db.query('SELECT used_at FROM token_download_links WHERE token_id = $1', [token.id]))[0].used_at;
  return { user, token, url: url as string, usedAt };
}

describe('GET /download/<code> from a browser', () => {
  it('when a browser opens the link then a page names service and account, has the button, and spends nothing', async () => {
    const { user, token, url, usedAt } = await linkForNewUser();
    const res = await fetch(url, { headers: { accept: BROWSER_ACCEPT } });
    const html = await res.text();
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(html).toContain('<dt>Service</dt><dd>Example Corp</dd>');
    expect(html).toContain(`<dt>Account</dt><dd>${user.loginName}</dd>`);
    expect(html).toContain(`<dt>Token</dt><dd>${token.serial}</dd>`);
    expect(html).toContain(`<form method="post" action="${new URL(url).pathname}">`);
    expect(html).not.toMatch(/secret=|data:image/);
    expect(await usedAt()).toBeNull();
  });

  it('when the page is served then its policy forbids every script and foreign origin, and no referrer leaks the code', async () => {
    const { url } = await linkForNewUser();
    const res = await fetch(url, { headers: { accept: 'text/html' } });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp.split('; ')).toEqual([
      "default-src 'none'", expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]{43}='$/), 'img-src data:',
      "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'",
    ]);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).not.toContain('<script');
  });

  it.each([
    ['a link scanner\'s Accept: */*', { accept: '*/*' }],
    ['Accept: application/* (a wildcard, not the name)', { accept: 'application/*' }],
    ['Accept: application/json;q=0 (refused by name)', { accept: 'application/json;q=0, */*' }],
  ])('when a GET sends %s then it gets the page, nothing is spent, and the link still works after', async (_what, headers) => {
    const { token, url, usedAt } = await linkForNewUser();
    const res = await fetch(url, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<h1>Set up your authenticator</h1>');
    expect(await usedAt()).toBeNull();
    expect(await (await fetch(url, { headers: { accept: 'application/json' } })).json()).toMatchObject({ serial: token.serial });
  });

  it('when a GET sends no Accept header at all then it gets the page, nothing is spent, and the link still works after', async () => {
    const { token, url, usedAt } = await linkForNewUser();
    // fetch always adds Accept: */*; node:http sends only what it is given.
    const reply = await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      get(url, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
      }).on('error', reject);
    });
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('text/html; charset=utf-8');
    expect(reply.body).toContain('<h1>Set up your authenticator</h1>');
    expect(await usedAt()).toBeNull();
    expect(await (await fetch(url, { headers: { accept: 'application/json' } })).json()).toMatchObject({ serial: token.serial });
  });

  it('when a link scanner sends HEAD then nothing is spent, and the link still works after', async () => {
    const { token, url, usedAt } = await linkForNewUser();
    const res = await fetch(url, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await usedAt()).toBeNull();
    expect(await (await fetch(url, { headers: { accept: 'application/json' } })).json()).toMatchObject({ serial: token.serial });
  });
});

describe('POST /download/<code> (the page\'s button)', () => {
  it('when pressed then the link is spent and the page shows the QR code and a secret in groups of four that verifies', async () => {
    const { user, url, usedAt } = await linkForNewUser();
    const res = await fetch(url, { method: 'POST', headers: { accept: BROWSER_ACCEPT } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(await usedAt()).toEqual(expect.any(Date));
    expect(html).toMatch(/<img class="qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    expect(html).toContain('This secret will not be shown again.');
    expect(html).toContain('<dt>Service (issuer)</dt><dd>Example Corp</dd>');
    expect(html).toContain(`<dt>Account</dt><dd>${user.loginName}</dd>`);
    expect(html).toContain('<dt>Digits</dt><dd>6</dd><dt>Period</dt><dd>30 seconds</dd>');
    const grouped = html.match(/<p class="secret" aria-label="secret key">([A-Z2-7 ]+)<\/p>/)![1];
    expect(grouped).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);

    // The shown secret is the token's seed: an OTP made from it verifies.
    const otp = generateTotp(base32Decode(grouped.replace(/ /g, '')), Date.now() / 1000, { algorithm: 'SHA1', digits: 6, period: 30 });
    expect(await s.call('/auth/verify', { user: { id: user.id }, credential: { otp } })).toEqual({ verified: true, serial: expect.any(String) });

    const audit = JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(audit).not.toContain(grouped.replace(/ /g, ''));
  });

  it('when the link is opened again then a 410 page says it was already used, in the browser and for the button', async () => {
    const { url } = await linkForNewUser();
    await fetch(url, { method: 'POST' });
    for (const res of [await fetch(url, { headers: { accept: BROWSER_ACCEPT } }), await fetch(url, { method: 'POST' })]) {
      expect(res.status).toBe(410);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('<h1>This link was already used or has expired</h1>');
    }
  });

  it('when the code was never issued then a 404 page, not JSON', async () => {
    const res = await fetch(`${s.url}/download/tgd_${'B'.repeat(43)}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('<h1>This link is not valid</h1>');
  });

  it.each([
    ['application/json', 'application/json'],
    ['application/json among wildcards, as HTTP libraries send it', 'application/json, text/plain, */*'],
  ])('when a client asks for %s then it gets the JSON payload, once', async (_what, accept) => {
    const { token, url, usedAt } = await linkForNewUser();
    const res = await fetch(url, { headers: { accept } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ serial: token.serial, otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//), qrCode: expect.stringMatching(/^data:image\/png;base64,/) });
    expect(await usedAt()).not.toBeNull();
    const again = await fetch(url, { headers: { accept } });
    expect(again.status).toBe(410);
    expect(await again.json()).toEqual({ error: 6001, name: 'DOWNLOAD_LINK_EXPIRED', message: 'The download link was used or has expired', data: {} });
  });
});
