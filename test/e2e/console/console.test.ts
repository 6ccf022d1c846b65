import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, TestServer } from '../../support/server';
import {
  type Browser, buildConsole, HAVE_CHROMIUM, IN_CI, launchChromium, newTab, screenshots, unlabelledInputs,
} from './browser';

/** The helpdesk console and the enrolment page, in Debian's Chromium against the real server. */
if (!HAVE_CHROMIUM && !IN_CI) console.warn('skipping the browser tests: no /usr/bin/chromium (apt-get install chromium); under CI=true they fail');
const describeInBrowser = HAVE_CHROMIUM || IN_CI ? describe : describe.skip;

jest.setTimeout(90_000);

let s: TestServer;
let browser: Browser;
const files = mkdtempSync(join(tmpdir(), 'tokengate-console-files-'));
const fileOf = (name: string, text: string) => { const path = join(files, name); writeFileSync(path, text); return path; };
const seedHex = (byte: string) => byte.repeat(20);

beforeAll(async () => {
  if (!HAVE_CHROMIUM && !IN_CI) return;
  buildConsole();
  browser = await launchChromium(); // first: without Chromium (CI=true) this fails before a server starts
  s = await startTestServer();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
  rmSync(files, { recursive: true, force: true });
});

/** A tab signed in with `key` (the admin key by default), on the console's first page. */
async function signedIn(key = s.adminKey) {
  const tab = await newTab(browser, s.url);
  await tab.page.goto(`${s.url}/console/`);
  await tab.page.getByLabel('API key').fill(key);
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByText('Signed in as').waitFor();
  return tab;
}

/**
 * Opens a section from the navigation and waits for its page. The link only changes the
 * hash; the page follows a task later. Acting at once could act on the page before it:
 * on a busy machine, "Name" once filled the Users page's "Login name contains" (labels
 * match by substring), the API keys form stayed empty, its required Name refused the
 * submit, and the test waited 30 s for the new key.
 */
async function openSection(page: Page, link: string, heading = link) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
}

async function newUser(domain: string, loginName: string) {
  const existing = await s.call('/domain/search', { match: [['name', '=', domain]] });
  const domainId = existing.rows[0]?.id ?? (await s.call('/domain/create', { attrs: { name: domain } })).id;
  const { id } = await s.call('/user/create', { attrs: { domain: { id: domainId }, loginName, firstName: 'Bob', lastName: 'Example' } });
  return { id: id as string, domainId: domainId as string };
}

const softwareToken = (userId: string) =>
  s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: userId } } });

async function expectClean(page: Page, problems: string[]) {
  expect(await unlabelledInputs(page)).toEqual([]);
  expect(problems).toEqual([]);
}

describeInBrowser('the console', () => {
  it('when a key signs in then the sections show, the key stays out of the URL, a reload keeps it, and sign out forgets it', async () => {
    const { page, problems } = await newTab(browser, s.url);
    const response = await page.goto(`${s.url}/console`);
    expect(response!.headers()['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
    await screenshots(page, 'sign-in', { phoneInDocs: true });

    // keyboard only: the key field has focus after one Tab from the top, Enter submits
    await page.getByLabel('API key').focus();
    await page.keyboard.type('tgk_not-a-key');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('UNAUTHENTICATED Missing, unknown or revoked credentials');

    await page.getByLabel('API key').fill(s.adminKey);
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as').waitFor();
    expect(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link').allTextContents())
      .toEqual(['Users', 'Tokens', 'Import', 'Batch assignment', 'Devices', 'API keys', 'Audit log']);
    expect(page.url()).not.toContain(s.adminKey);
    expect(await page.evaluate('sessionStorage.getItem("tokengate.console.apiKey")')).toBe(s.adminKey);

    await page.reload();
    await page.getByText('Signed in as').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await expectClean(page, problems);
  });

  it('when a helpdesk user searches for a login name then the user page lists their OTP and access tokens', async () => {
    const user = await newUser('corp', 'bob.search');
    const token = await softwareToken(user.id);
    await s.call('/user/createToken', { ecosystemId: user.domainId, id: user.id, expiryType: 'Infinite' });
    const { page, problems } = await signedIn();

    await openSection(page, 'Users');
    await page.getByLabel('Login name contains').fill('search');
    await page.getByLabel('Login name contains').press('Enter');
    await page.getByRole('link', { name: 'bob.search' }).click();
    await page.getByRole('heading', { name: 'bob.search @ corp' }).waitFor();
    await page.getByRole('link', { name: token.serial }).waitFor();
    const accessTokens = page.getByRole('table', { name: '1 access token (metadata only)' });
    await accessTokens.waitFor();
    expect(await accessTokens.locator('tbody tr').count()).toBe(1);
    await screenshots(page, 'user');
    await page.getByRole('link', { name: '← Users' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await screenshots(page, 'users');
    await expectClean(page, problems);
  });

  it('when a locked token is reset then the page shows it unlocked and the lock is gone from the database', async () => {
    const user = await newUser('corp', 'bob.locked');
    const token = await softwareToken(user.id);
    for (let i = 0; i < 10; i++) await s.rpc('/auth/verify', { user: { id: user.id }, credential: { otp: '000000' } });
    expect((await s.call('/token/get', { id: token.id })).locked).toBe(true);
    const { page, problems } = await signedIn();

    await openSection(page, 'Tokens');
    await page.getByLabel('Locked only').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: token.serial }).click();
    const state = page.getByRole('definition').filter({ hasText: /^(locked|unlocked)$/ });
    await expect(state.textContent()).resolves.toBe('locked');
    await screenshots(page, 'token-locked', { phoneInDocs: true });

    await page.getByRole('button', { name: 'Reset (unlock)' }).click();
    await page.getByText('Reset: the lock and fail count are cleared.').waitFor();
    await page.getByText('unlocked', { exact: true }).waitFor();
    expect(await page.getByTestId('fail-count').textContent()).toBe('0');
    expect(await s.call('/token/get', { id: token.id, return: ['locked', 'failCount'] })).toEqual({ locked: false, failCount: 0 });
    await expectClean(page, problems);
  });

  it('when a token is resynced with two codes, given a download link, confined and deleted then each shows, the delete only after confirming', async () => {
    // RFC 4226 appendix D: the seed "12345678901234567890" gives 338314 and 254676 at counters 4 and 5
    await s.call('/token/create', { attrs: { data: 'RFC-4226,3132333435363738393031323334353637383930,hotp,6,0', product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
    const hotp = await s.call('/token/get', { token: { serial: 'RFC-4226' } });
    const user = await newUser('corp', 'bob.actions');
    const soft = await softwareToken(user.id);
    const { page, problems } = await signedIn();

    await page.goto(`${s.url}/console/#/tokens/${hotp.id}`);
    await page.getByLabel('First code').fill('338314');
    await page.getByLabel('Next code').fill('254676');
    await page.getByRole('button', { name: 'Resync' }).click();
    await page.getByText('Resynchronised.').waitFor();
    await page.getByRole('definition').filter({ hasText: /^6$/ }).waitFor();
    expect((await s.call('/token/get', { id: hotp.id, return: ['counter'] })).counter).toBe(6);

    await page.goto(`${s.url}/console/#/tokens/${soft.id}`);
    await page.getByRole('button', { name: 'New download link' }).click();
    const link = await page.getByLabel('Enrolment link', { exact: true }).inputValue();
    expect(link).toMatch(new RegExp(`^${s.url}/download/tgd_`));
    await page.getByRole('img', { name: `QR code of the enrolment link for ${soft.serial}` }).scrollIntoViewIfNeeded();
    await screenshots(page, 'token-link');
    await page.getByRole('button', { name: 'Confine' }).click();
    await page.getByRole('button', { name: 'Release' }).waitFor();
    expect((await fetch(link)).status).toBe(403); // confining killed the outstanding link

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.keyboard.press('Escape'); // the dialog's cancel, from the keyboard
    expect((await s.rpc('/token/get', { id: soft.id })).result?.serial).toBe(soft.serial);
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete token' }).click();
    await page.getByRole('heading', { name: 'Tokens' }).waitFor();
    expect((await s.rpc('/token/get', { id: soft.id })).error?.data.name).toBe('TOKEN_NOT_FOUND');
    await expectClean(page, problems);
  });

  it('when only the keyboard is used then the sections are reachable and focus lands on each page\'s heading', async () => {
    const { page, problems } = await signedIn();
    const focused = () => page.evaluate('document.activeElement && document.activeElement.textContent');
    for (let i = 0; i < 20 && (await focused()) !== 'Audit log'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Audit log');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await focused()).toBe('Audit log');
    expect(await page.evaluate('document.activeElement.tagName')).toBe('H1');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.closest("label").textContent')).toMatch(/^Method/);
    await expectClean(page, problems);
  });

  it('when an OATH CSV file is imported then its tokens are listed; a bad file lists each bad entry by position and imports nothing', async () => {
    const { page, problems } = await signedIn();
    await openSection(page, 'Import', 'Import tokens');
    // dropped onto the zone, as a person drags it from the file manager
    const dropped = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['IMP-OK,${seedHex('ab')},hotp,6,0\\nIMP-BAD,zz,hotp,6,0\\n'], 'bad.csv', { type: 'text/csv' }));
      return transfer;
    })()`);
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByText('Selected: bad.csv').waitFor();
    await page.getByRole('button', { name: 'Import' }).click();
    const bad = page.getByRole('table', { name: /1 bad entry/ });
    await bad.waitFor();
    expect(await bad.locator('tbody tr td').allTextContents()).toEqual(['2', 'IMP-BAD', expect.any(String)]);
    expect((await s.call('/token/search', { match: [['serial', 'like', 'IMP-%']] })).total).toBe(0);

    await page.getByLabel('Seed file').setInputFiles(fileOf('good.csv', `# vendor file\nIMP-1,${seedHex('12')},hotp,6,0\nIMP-2,${seedHex('34')},totp,6,30\n`));
    await page.getByRole('button', { name: 'Import' }).click();
    const imported = page.getByRole('table', { name: 'Imported 2 tokens' });
    await imported.waitFor();
    expect(await imported.getByRole('link').allTextContents()).toEqual(['IMP-1', 'IMP-2']);
    await screenshots(page, 'import');
    const stored = await s.call('/token/search', { match: [['serial', 'like', 'IMP-%']], orderBy: 'serial', return: ['serial', 'type'] });
    expect(stored.rows).toEqual([{ serial: 'IMP-1', type: 'HOTP' }, { serial: 'IMP-2', type: 'TOTP' }]);
    await expectClean(page, problems);
  });

  it('when a batch has one bad row then the dry run reports that line, the real run stays disabled and nothing is written', async () => {
    await newUser('batch', 'alice');
    await s.call('/token/create', { attrs: { data: `BAT-1,${seedHex('56')},hotp,6,0`, product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
    const { page, problems } = await signedIn();
    await openSection(page, 'Batch assignment');
    const header = 'domain,loginName,manufacturerCode,productCode,serial';
    await page.getByLabel('CSV file').setInputFiles(fileOf('batch-bad.csv', `${header}\nbatch,alice,OATH,HOTP,BAT-1\nbatch,alice,OATH,HOTP,NO-SUCH\n`));
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    const lines = page.getByRole('table', { name: 'Lines with errors' });
    await lines.waitFor();
    expect(await lines.locator('tbody td').allTextContents()).toEqual(['3', 'NO-SUCH', 'TOKEN_NOT_FOUND', expect.any(String)]);
    await page.getByText('1 of 2 lines failed. Nothing was written.').waitFor();
    expect(await page.getByRole('button', { name: /^Assign/ }).isDisabled()).toBe(true);
    await screenshots(page, 'batch-rejected');
    expect((await s.call('/token/get', { token: { serial: 'BAT-1' } })).assignedUsers).toEqual([]);

    await page.getByLabel('CSV file').setInputFiles(fileOf('batch-good.csv', `${header}\nbatch,alice,OATH,HOTP,BAT-1\n`));
    await page.getByRole('button', { name: 'Dry run', exact: true }).click();
    await page.getByRole('button', { name: 'Assign 1 token' }).click();
    await page.getByText('Assigned 1 token from 1 line.').waitFor();
    expect((await s.call('/token/get', { token: { serial: 'BAT-1' } })).assignedUsers).toEqual([expect.objectContaining({ loginName: 'alice' })]);
    await expectClean(page, problems);
  });

  it('when an API key is created then it is shown once, works, is gone after a reload, and stops working when revoked', async () => {
    const { page, problems } = await signedIn();
    await openSection(page, 'API keys');
    await page.getByLabel('Name', { exact: true }).fill('reporting');
    await page.getByLabel('audit:read').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    expect(key).toMatch(/^tgk_[A-Za-z0-9_-]{43}$/);
    expect(await s.call('/apikey/whoami', {}, key)).toEqual(expect.objectContaining({ name: 'reporting', scopes: ['audit:read'] }));
    await screenshots(page, 'api-keys');

    await page.reload();
    await page.getByRole('cell', { name: 'reporting' }).waitFor();
    expect(await page.getByLabel('New API key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'reporting' }) });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText('revoked').waitFor();
    expect((await s.rpc('/apikey/whoami', {}, key)).error?.data.name).toBe('UNAUTHENTICATED');
    await expectClean(page, problems);
  });

  it('when a read-only key signs in then no write action is offered anywhere it can go', async () => {
    const user = await newUser('corp', 'bob.readonly');
    const token = await softwareToken(user.id);
    const { page, problems } = await signedIn(await s.keyWith(['token:read', 'directory']));
    expect(await page.getByRole('navigation', { name: 'Sections' }).getByRole('link').allTextContents()).toEqual(['Users', 'Tokens']);
    await page.goto(`${s.url}/console/#/tokens/${token.id}`);
    await page.getByRole('heading', { name: `Token ${token.serial}` }).waitFor();
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    await page.goto(`${s.url}/console/#/keys`);
    await page.getByRole('heading', { name: 'Nothing to show' }).waitFor();
    await page.goto(`${s.url}/console/#/users/${user.id}`);
    await page.getByRole('link', { name: token.serial }).waitFor();
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    await expectClean(page, problems);
  });

  it('when the audit log and devices are opened then they read well at desktop and phone width', async () => {
    const device = await s.call('/device/register', { attrs: { name: 'door-sensor', type: 'sensor' } });
    await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'mobile-app' });
    await s.rpc('/token/get', { id: '00000000-0000-4000-8000-000000000000' }); // one failure to chart
    const { page, problems } = await signedIn();
    await openSection(page, 'Audit log');
    await page.getByRole('img', { name: /Calls and failures per minute: \d+ calls, [1-9]\d* failures/ }).waitFor();
    await screenshots(page, 'audit', { phoneInDocs: true });
    await page.getByLabel('Method').fill('/token/get');
    await page.getByLabel('Outcome').selectOption('error');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('img', { name: /^Calls and failures per minute: (\d+) calls, \1 failures/ }).waitFor();
    expect(await page.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(expect.arrayContaining(['/token/get']));
    expect(new Set(await page.locator('tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set(['/token/get']));

    await openSection(page, 'Devices');
    await page.getByRole('link', { name: 'door-sensor' }).click();
    await page.getByRole('cell', { name: 'mobile-app' }).waitFor();
    await screenshots(page, 'device');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('0 live session tokens (metadata only)').waitFor();
    expect((await s.call('/device/searchTokens', { uuid: device.uuid })).total).toBe(0);
    await expectClean(page, problems);
  });
});

describeInBrowser('the enrolment page', () => {
  it('when the link is opened nothing is spent; the button shows the QR code once, and opening it again says already used', async () => {
    const user = await newUser('Example Corp', 'carol');
    const token = await softwareToken(user.id);
    const { url } = await s.call('/token/getDownloadUrl', { id: token.id });
    const usedAt = async () => (await s.db.query('SELECT used_at FROM token_download_links WHERE token_id = $1', [token.id]))[0].used_at;
    const { page, problems } = await newTab(browser, s.url);

    await page.goto(url);
    await page.getByRole('heading', { name: 'Set up your authenticator' }).waitFor();
    expect(await page.locator('dd').allTextContents()).toEqual(['Example Corp', 'carol', token.serial]);
    expect(await usedAt()).toBeNull();
    await screenshots(page, 'enrol-start');

    await page.getByRole('button', { name: 'Show my QR code' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Scan this QR code' }).waitFor();
    expect(await page.getByRole('img', { name: 'QR code for Example Corp: carol' }).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
    expect(await page.getByLabel('secret key').textContent()).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    await page.getByText('This secret will not be shown again.').waitFor();
    expect(await usedAt()).toEqual(expect.any(Date));
    await screenshots(page, 'enrol-qr', { phoneInDocs: true });

    await page.reload(); // re-sends the POST: the link is spent, so no secret comes back
    await page.getByRole('heading', { name: 'This link was already used or has expired' }).waitFor();
    await expect(page.getByLabel('secret key').count()).resolves.toBe(0);
    await page.goto(url); // and a fresh visit of the link says the same
    await page.getByRole('heading', { name: 'This link was already used or has expired' }).waitFor();
    await screenshots(page, 'enrol-used');
    expect(problems).toEqual([]);
  });
});
