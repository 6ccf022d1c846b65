import { UserResolver } from '../../../src/services/directory/user-resolver';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config';
import { openDatabase } from '../../../src/db/data-source';
import { pgPoolOf } from '../../../src/db/pg-pool';
import { configurePipelinedPool, pipelinedQuery } from '../../../src/db/pipelined-pool';
import { setPreparedStatements } from '../../../src/db/prepared-statements';
import { isAppError } from '../../../src/errors';
import { verifyUserOtp } from '../../../src/services/auth/verify-otp';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX } from '../token/fixtures';

// TOKENGATE_PREPARED_STATEMENTS: the hot paths' statements are named (prepared once per
// connection) on the pipelined connections unless it is off, for PgBouncer before 1.21 in
// transaction mode, when they go unnamed through pg. A data source with ONE connection of
// each kind lets the test read each connection's pg_prepared_statements.

const LIMIT = { limit: 3, windowSeconds: 300 };
let s: TestServer;
let single: DataSource;
beforeAll(async () => {
  s = await startTestServer();
  single = await openDatabase(s.databaseUrl, 1);
  configurePipelinedPool(single, { size: 1 });
});
afterAll(async () => { await single.destroy(); await s.close(); });

async function hotpUser(serial: string) {
  const user = await makeUser(s);
  await importCsv(s, [`${serial},${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
  await s.call('/token/assign', { token: { serial }, user: { id: user.id } });
  return user;
}

const verifyOn = (db: DataSource, userId: string, otp: string) =>
  verifyUserOtp(db.manager, s.keys, new UserResolver(s.keys.masterKey), { user: { id: userId }, credential: { otp } }, LIMIT)
    .catch((err) => { if (isAppError(err)) return err.errorName; throw err; });
/** The verify statements (they all name the tokens table) prepared on each connection; not the counting statement itself. */
const COUNT_PREPARED = `SELECT count(*)::int AS n FROM pg_prepared_statements
  WHERE statement LIKE '%tokens%' AND statement NOT LIKE '%pg_prepared_statements%'`;
const preparedOnTheConnection = async () => ({
  pg: (await pgPoolOf(single).query(COUNT_PREPARED)).rows[0].n as number,
  pipelined: (await pipelinedQuery<{ n: number }>(single, COUNT_PREPARED, []))[0].n,
});

describe('TOKENGATE_PREPARED_STATEMENTS', () => {
  it('reads on and off, defaults to on, and refuses anything else', () => {
    expect(loadConfig({}).preparedStatements).toBe(true);
    expect(loadConfig({ TOKENGATE_PREPARED_STATEMENTS: 'off' }).preparedStatements).toBe(false);
    expect(loadConfig({ TOKENGATE_PREPARED_STATEMENTS: 'ON' }).preparedStatements).toBe(true);
    expect(() => loadConfig({ TOKENGATE_PREPARED_STATEMENTS: 'sometimes' })).toThrow('TOKENGATE_PREPARED_STATEMENTS must be "on" or "off"');
  });

  it('when off then /auth/verify sends its statements unnamed and answers the same', async () => {
    setPreparedStatements(single, false);
    const user = await hotpUser('PREP-OFF');
    expect(await verifyOn(single, user.id, RFC4226_CODES[0])).toEqual({ verified: true, serial: 'PREP-OFF' });
    expect(await verifyOn(single, user.id, RFC4226_CODES[0])).toBe('AUTH_FAILED');
    expect(await preparedOnTheConnection()).toEqual({ pg: 0, pipelined: 0 });
  });

  it('when on then the snapshot, the compare-and-set and the failure are prepared once on the connection', async () => {
    setPreparedStatements(single, true);
    const user = await hotpUser('PREP-ON');
    expect(await verifyOn(single, user.id, RFC4226_CODES[0])).toEqual({ verified: true, serial: 'PREP-ON' });
    expect(await preparedOnTheConnection()).toEqual({ pg: 0, pipelined: 2 });
    expect(await verifyOn(single, user.id, RFC4226_CODES[0])).toBe('AUTH_FAILED');
    expect(await verifyOn(single, user.id, RFC4226_CODES[1])).toEqual({ verified: true, serial: 'PREP-ON' });
    expect(await preparedOnTheConnection()).toEqual({ pg: 0, pipelined: 3 });
  });
});
