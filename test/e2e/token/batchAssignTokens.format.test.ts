import { Agent, request } from 'node:http';
import { startTestServer, TestServer } from '../../support/server';
import { allAssignments, assignmentsOf, batchForms, createDomain, createTokens, createUsers, HEADER, uploadCsv } from './batch-fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

let seq = 0;
/** A domain holding `logins`, and one DN/ST token per login; serials <prefix>-1…N. */
async function world(logins: string[]) {
  const name = `format domain ${++seq}`;
  const prefix = `F${seq}`;
  const domainId = await createDomain(s, name);
  await createUsers(s, domainId, logins);
  await createTokens(s, logins.map((_, i) => `${prefix}-${i + 1}`));
  return { name, prefix };
}

const owners = async (prefix: string) => (await assignmentsOf(s, prefix)).map((r) => [r.serial, r.loginName]);

describe('/token/batchAssignTokens: the file', () => {
  it('when a Latin-1 upload says charset=ISO-8859-1 then the umlaut in loginName is read right', async () => {
    const w = await world(['jürgen.müller']);
    const bytes = Buffer.from(`${HEADER}\n${w.name},jürgen.müller,DN,ST,${w.prefix}-1,,\n`, 'latin1');

    const { status, body } = await uploadCsv(s, bytes, { contentType: 'text/csv; charset=ISO-8859-1' });

    expect([status, body.result]).toEqual([200, { total: 1, assigned: 1, failed: 0, errors: [] }]);
    expect(await owners(w.prefix)).toEqual([[`${w.prefix}-1`, 'jürgen.müller']]);
  });

  it('when a Windows-1252 upload names the charset in the query then it overrides the header', async () => {
    const w = await world(['o’neil']);
    const bytes = Buffer.from([...Buffer.from(`${HEADER}\n${w.name},o`), 0x92, ...Buffer.from(`neil,DN,ST,${w.prefix}-1,,`)]);

    const { body } = await uploadCsv(s, bytes, { contentType: 'text/csv; charset=utf-8', query: { charset: 'Windows-1252' } });

    expect(body.result).toMatchObject({ assigned: 1, failed: 0 });
    expect(await owners(w.prefix)).toEqual([[`${w.prefix}-1`, 'o’neil']]);
  });

  it('when Latin-1 bytes come without a charset then CSV_INVALID names the line and nothing is written', async () => {
    const w = await world(['a', 'jürgen']);
    const bytes = Buffer.from(`${HEADER}\n${w.name},a,DN,ST,${w.prefix}-1,,\n${w.name},jürgen,DN,ST,${w.prefix}-2,,\n`, 'latin1');

    const { status, body } = await uploadCsv(s, bytes);

    expect(status).toBe(400);
    expect(body).toEqual({
      error: 1007, name: 'CSV_INVALID', message: 'The CSV text is invalid',
      data: { errors: [{ line: 3, serial: null, name: 'CSV_INVALID', message: 'the text is not valid UTF-8 (send the charset, e.g. ISO-8859-1 or Windows-1252)' }] },
    });
    expect(await owners(w.prefix)).toEqual([]);
  });

  describe.each(batchForms)('sent as %s', (_form, send) => {
    it('when the file has a BOM, CRLF line ends, blank lines and the DualShield quoting then every row is read', async () => {
      const w = await world(['john.smith', 'jane doe']);
      const csv = `\ufeff${HEADER}\r\n"${w.name}", "john.smith", "DN", "ST", "${w.prefix}-1", "ACTIVE", "1234"\r\n\r\n`
        + `  ${w.name} ,  "jane doe"  ,DN,ST , ${w.prefix}-2 ,,\r\n`;

      const { body } = await send(s, csv);

      expect(body.result).toEqual({ total: 2, assigned: 2, failed: 0, errors: [] });
      expect(await owners(w.prefix)).toEqual([[`${w.prefix}-1`, 'john.smith'], [`${w.prefix}-2`, 'jane doe']]);
    });

    it.each([
      ['a column name in the wrong case', 'domain,loginname,manufacturerCode,productCode,serial\n', 1,
        'unknown column "loginname"; the columns are domain, loginName, manufacturerCode, productCode, serial, status, pin (case-sensitive)'],
      ['a missing column', 'domain,loginName,serial\n', 1,
        'the header lacks manufacturerCode, productCode; required: domain, loginName, manufacturerCode, productCode, serial (case-sensitive)'],
      ['no header', '', 1, 'the file is empty; a header line is required'],
      ['a quote never closed', `${HEADER}\nd,u,DN,ST,1,,\nd,"u,DN,ST,2,,\n`, 3, 'a quoted field is never closed'],
      ['text after a closing quote', `${HEADER}\nd,"u"x,DN,ST,1,,\n`, 2, 'a quoted field must be followed by a comma or the end of the line'],
    ])('when %s then CSV_INVALID for the whole file', async (_what, csv, line, message) => {
      const before = await allAssignments(s);
      const { status, body } = await send(s, csv, { mode: 'partial' });
      expect(status).toBe(400);
      expect(body).toEqual({
        error: 1007, name: 'CSV_INVALID', message: 'The CSV text is invalid', data: { errors: [{ line, serial: null, name: 'CSV_INVALID', message }] },
      });
      expect(await allAssignments(s)).toEqual(before);
    });

    it('when mode is not atomic or partial then INVALID_PARAMS', async () => {
      const { status, body } = await send(s, `${HEADER}\n`, { mode: 'sometimes' });
      expect([status, body.name]).toEqual([400, 'INVALID_PARAMS']);
    });

    it('when an attribute is unknown then QUERY_FIELD_NOT_ALLOWED', async () => {
      const { status, body } = await send(s, `${HEADER}\n`, { separator: ';' });
      expect([status, body.name]).toEqual([400, 'QUERY_FIELD_NOT_ALLOWED']);
    });

    it('when the key lacks token:write then FORBIDDEN', async () => {
      const key = await s.keyWith(['token:read']);
      const reply = _form.startsWith('JSON')
        ? await s.rest('/token/batchAssignTokens', { attrs: { csv: `${HEADER}\n` } }, { key })
        : await uploadCsv(s, `${HEADER}\n`, { key });
      expect([reply.status, reply.body.name]).toEqual([403, 'FORBIDDEN']);
    });
  });
});

describe('/token/batchAssignTokens: the transport', () => {
  it('when neither attrs.csv nor a text/csv body is sent then INVALID_PARAMS', async () => {
    const { status, body } = await s.rest('/token/batchAssignTokens', { attrs: { mode: 'partial' } });
    expect([status, body.name, body.data.errors[0].path]).toEqual([400, 'INVALID_PARAMS', '/attrs']);
  });

  it('when both attrs.csv and a text/csv body are sent then INVALID_PARAMS', async () => {
    const { status, body } = await uploadCsv(s, `${HEADER}\n`, { query: { csv: `${HEADER}\n` } });
    expect([status, body.name]).toEqual([400, 'INVALID_PARAMS']);
  });

  it('when the Content-Type names an unknown charset then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const { status, body } = await uploadCsv(s, `${HEADER}\n`, { contentType: 'text/csv; charset=EBCDIC' });
    expect([status, body.name, body.data.charset]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE', 'EBCDIC']);
  });

  it('when a large upload fails on its header then the reply arrives and the connection serves the next call', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) => new Promise<{ status: number; name?: string; socket: unknown }>((resolve, reject) => {
      const req = request(`${s.url}/rest/token/batchAssignTokens`, {
        method: 'POST', agent, headers: { 'content-type': 'text/csv', authorization: `Bearer ${s.adminKey}`, 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c) => { text += c; }).on('end', () => resolve({ status: res.statusCode!, name: JSON.parse(text).name, socket: req.socket }));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      const failed = await post(`domain,login,serial\n${'x,y,z\n'.repeat(600_000)}`);
      const next = await post(`${HEADER}\n`);
      expect([failed.status, failed.name, next.status]).toEqual([400, 'CSV_INVALID', 200]);
      expect(next.socket).toBe(failed.socket); // kept alive: the rest of the failed upload was read, not cut off
    } finally {
      agent.destroy();
    }
  });

  it('when the client hangs up mid-upload then nothing is written and the server carries on', async () => {
    const w = await world(['quitter']);
    const before = await allAssignments(s);
    await new Promise<void>((resolve) => {
      const req = request(`${s.url}/rest/token/batchAssignTokens`, {
        method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${s.adminKey}`, 'content-length': '10000000' },
      });
      req.on('error', () => resolve());
      req.write(`${HEADER}\n${w.name},quitter,DN,ST,${w.prefix}-1,,\n`);
      setTimeout(() => req.destroy(), 200);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await allAssignments(s)).toEqual(before);
    const [audit] = await s.db.query(`SELECT error_name FROM audit_log WHERE method = '/token/batchAssignTokens' ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual({ error_name: 'CSV_INVALID' }); // a short file, not an INTERNAL error
    expect((await uploadCsv(s, `${HEADER}\n`)).status).toBe(200);
  });

  it('when called over JSON-RPC then the same result, and the audit records the call without the file', async () => {
    const w = await world(['rpc.user']);
    const reply = await s.rpc('/token/batchAssignTokens', { attrs: { csv: `${HEADER}\n${w.name},rpc.user,DN,ST,${w.prefix}-1,,8642\n` } });
    expect(reply.result).toEqual({ total: 1, assigned: 1, failed: 0, errors: [] });
    const [audit] = await s.db.query(`SELECT target, outcome FROM audit_log WHERE method = '/token/batchAssignTokens' ORDER BY id DESC LIMIT 1`);
    expect(audit).toEqual({ target: '1 of 1 rows', outcome: 'ok' });
  });
});
