import { startTestServer, TestServer } from '../../support/server';
import { assignmentsOf, bulkPinMatches, createDomain, createTokens, createUsers, HEADER, uploadCsv } from './batch-fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const N = 12_000; // more than two staging chunks of 5,000 rows

describe('/token/batchAssignTokens at scale', () => {
  it('when a streamed file spans several chunks then every row is checked and written, errors capped at 1000', async () => {
    const domainId = await createDomain(s, 'scale');
    await createUsers(s, domainId, Array.from({ length: N }, (_, i) => `user${i}`));
    await createTokens(s, Array.from({ length: N }, (_, i) => `S${i}`), { product: ['OATH', 'HOTP'] });
    // every 10th row names an unknown token; every 500th row carries a PIN
    const rows = Array.from({ length: N }, (_, i) =>
      `scale, "user${i}" ,OATH,HOTP,${i % 10 === 9 ? `missing${i}` : `S${i}`},ACTIVE,${i % 500 === 0 ? `pin-${i}` : ''}`);

    const { status, body } = await uploadCsv(s, `${HEADER}\r\n${rows.join('\r\n')}\r\n`, { query: { mode: 'partial' } });

    expect(status).toBe(200);
    const { total, assigned, failed, errors } = body.result;
    expect({ total, assigned, failed, listed: errors.length }).toEqual({ total: N, assigned: N * 0.9, failed: N / 10, listed: 1000 });
    expect(errors[0]).toEqual({ line: 11, serial: 'missing9', name: 'TOKEN_NOT_FOUND', message: 'token missing9 of product OATH/HOTP not found' });
    expect(errors[999]).toMatchObject({ line: 10_001, serial: 'missing9999' });
    const written = await s.db.query(`SELECT count(*)::int AS n, count(pin_hash)::int AS pins FROM token_assignments`);
    expect(written).toEqual([{ n: N * 0.9, pins: N / 500 }]);
    const [last] = await assignmentsOf(s, 'S11500');
    expect(last).toMatchObject({ loginName: 'user11500', role: 'owner', status: 'ACTIVE' });
    expect(bulkPinMatches(s.keys.pepper, 'pin-11500', last.pinHash!)).toBe(true);
  });

  it('when a token is named on lines in different chunks then each of them fails, counting a line that failed otherwise', async () => {
    await createDomain(s, 'across');
    const rowCount = 5002; // the last row falls in the second staging chunk of 5,000 rows
    await createTokens(s, Array.from({ length: rowCount }, (_, i) => `across${i}`), { product: ['OATH', 'HOTP'] });
    const rows = Array.from({ length: rowCount }, (_, i) => `across,user${i},OATH,HOTP,across${i},ACTIVE,`);
    rows[98] = 'across,user98,OATH,HOTP,across0,BOGUS,'; // line 100: its own problem comes first
    rows[rowCount - 1] = 'across,late,OATH,HOTP,across0,ACTIVE,'; // line 5003

    const { status, body } = await uploadCsv(s, `${HEADER}\n${rows.join('\n')}\n`, { query: { createUsers: true, mode: 'partial', dryRun: true } });

    expect(status).toBe(200);
    const namedThrice = 'the token is named on 3 lines of the file (first on line 2); a token has one owner';
    expect(body.result).toEqual({
      total: rowCount, assigned: rowCount - 3, failed: 3, errors: [
        { line: 2, serial: 'across0', name: 'TOKEN_ALREADY_ASSIGNED', message: namedThrice },
        { line: 100, serial: 'across0', name: 'CSV_INVALID', message: 'status must be ACTIVE or DISABLED' },
        { line: 5003, serial: 'across0', name: 'TOKEN_ALREADY_ASSIGNED', message: namedThrice },
      ],
    });
  });
});
