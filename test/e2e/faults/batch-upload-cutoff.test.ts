import http from 'node:http';
import { startTestServer, TestServer } from '../../support/server';
import { sleep } from './fault-support';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const ROWS = 2100;
const serial = (i: number) => `CUT${String(i).padStart(6, '0')}`;

/** ROWS hardware tokens through the import, a domain with no users yet. */
async function fixtures() {
  await s.call('/domain/create', { attrs: { name: 'cutoff' } });
  const lines = Array.from({ length: ROWS }, (_, i) => `${serial(i)},${'3132333435363738393031323334353637383930'},HOTP,6,0`);
  const imported = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'OATH', productCode: 'HOTP' }, data: lines.join('\n'), format: 'oath-csv' } });
  expect(imported.total).toBe(ROWS);
}

function csvRows(from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += `cutoff,user${i},OATH,HOTP,${serial(i)},ACTIVE,${String(1000 + (i % 9000))}\n`;
  return text;
}

async function counts() {
  const [row] = await s.db.query(`SELECT (SELECT count(*) FROM token_assignments)::int AS assignments,
    (SELECT count(*) FROM users)::int AS users`);
  return row;
}

describe('/token/batchAssignTokens upload cut off half-way', () => {
  it('when the client hangs up mid-upload then nothing is written and the server keeps serving', async () => {
    await fixtures();
    const before = await counts();
    const url = new URL(`${s.url}/rest/token/batchAssignTokens?mode=partial&createUsers=true`);
    const req = http.request({
      host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${s.adminKey}`, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => {}); // we are the ones cutting it
    req.on('response', (res) => res.resume());
    req.write('domain,loginName,manufacturerCode,productCode,serial,status,pin\n');
    // Half the file, in pieces, a row cut in the middle at the end, then the connection dies.
    for (let from = 0; from < 2000; from += 250) {
      req.write(csvRows(from, from + 250));
      await sleep(20);
    }
    req.write('cutoff,user2000,OATH,HO');
    await sleep(200);
    req.destroy();

    // The call must end (not hang on a body that never ends) and be recorded as failed.
    const deadline = Date.now() + 10_000;
    let audit: any[] = [];
    while (audit.length === 0 && Date.now() < deadline) {
      await sleep(100);
      audit = await s.db.query(`SELECT outcome, error_name AS "errorName" FROM audit_log WHERE method = '/token/batchAssignTokens'`);
    }
    // A short file, not a server error (batch-input.ts).
    expect(audit).toEqual([{ outcome: 'error', errorName: 'CSV_INVALID' }]);
    expect(await counts()).toEqual(before);

    // The same file sent whole is accepted: the failure was the cut, not the data.
    const whole = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${s.adminKey}` },
      body: `domain,loginName,manufacturerCode,productCode,serial,status,pin\n${csvRows(0, 100)}`,
    });
    expect(await whole.json()).toMatchObject({ error: 0, result: { total: 100, assigned: 100, failed: 0 } });
    expect((await counts()).assignments).toBe(before.assignments + 100);
  });
});
