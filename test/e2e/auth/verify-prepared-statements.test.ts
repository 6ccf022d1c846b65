import type { Db } from '../../../src/db';
import { UserResolver } from '../../../src/services/directory/user-resolver';
import { loadConfig } from '../../../src/config';
import { openTestDb, type TestDb } from '../../support/test-db';
import { isAppError } from '../../../src/errors';
import { verifyUserOtp } from '../../../src/services/auth/verify-otp';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX } from '../token/fixtures';

// TOKENGATE_PREPARED_STATEMENTS: the hot paths' statements are named (prepared once per
// connection) on the hot lane's pipelined connections unless it is off, for PgBouncer before
// 1.21 in transaction mode, when they go unnamed. A Database with ONE connection of each
// kind lets the test read each connection's pg_prepared_statements.

const LIMIT = { limit: 3, windowSeconds: 300 };
let s: TestServer;
let named: TestDb;
let unnamed: TestDb;
beforeAll(async () => {
  s = await startTestServer();
  named = await openTestDb(s.databaseUrl, { poolSize: 1, hotConnections: 1, preparedStatements: true });
  unnamed = await openTestDb(s.databaseUrl, { poolSize: 1, hotConnections: 1, preparedStatements: false });
});
afterAll(async () => { await named.close(); await unnamed.close(); await s.close(); });

async function hotpUser(serial: string) {
  const user = await makeUser(s);
  await importCsv(s, [`${serial},${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
  await s.call('/token/assign', { token: { serial }, user: { id: user.id } });
  return user;
}

const verifyOn = (db: Db, userId: string, otp: string) =>
  verifyUserOtp(db, s.keys, new UserResolver(s.keys.masterKey), { user: { id: userId }, credential: { otp } }, LIMIT)
    .catch((err) => { if (isAppError(err)) return err.errorName; throw err; });
/** The verify statements (they all name the tokens table) prepared on each connection; not the counting statement itself. */
const COUNT_PREPARED = `SELECT count(*)::int AS n FROM pg_prepared_statements
  WHERE statement LIKE '%tokens%' AND statement NOT LIKE '%pg_prepared_statements%'`;
const preparedOnTheConnection = async (db: TestDb) => ({
  pool: (await db.rows<{ n: number }>(COUNT_PREPARED))[0].n,
  pipelined: (await db.hot<{ n: number }>(COUNT_PREPARED))[0].n,
});

describe('TOKENGATE_PREPARED_STATEMENTS', () => {
  it('reads on and off, defaults to on, and refuses anything else', () => {
    expect(loadConfig({}).preparedStatements).toBe(true);
    expect(loadConfig({ TOKENGATE_PREPARED_STATEMENTS: 'off' }).preparedStatements).toBe(false);
    expect(loadConfig({ TOKENGATE_PREPARED_STATEMENTS: 'ON' }).preparedStatements).toBe(true);
    expect(() => loadConfig({ TOKENGATE_PREPARED_STATEMENTS: 'sometimes' })).toThrow('TOKENGATE_PREPARED_STATEMENTS must be "on" or "off"');
  });

  it('when off then /auth/verify sends its statements unnamed and answers the same', async () => {
    const user = await hotpUser('PREP-OFF');
    expect(await verifyOn(unnamed, user.id, RFC4226_CODES[0])).toEqual({ verified: true, serial: 'PREP-OFF' });
    expect(await verifyOn(unnamed, user.id, RFC4226_CODES[0])).toBe('AUTH_FAILED');
    expect(await preparedOnTheConnection(unnamed)).toEqual({ pool: 0, pipelined: 0 });
  });

  it('when on then the snapshot, the compare-and-set and the failure are prepared once on the connection', async () => {
    const user = await hotpUser('PREP-ON');
    expect(await verifyOn(named, user.id, RFC4226_CODES[0])).toEqual({ verified: true, serial: 'PREP-ON' });
    expect(await preparedOnTheConnection(named)).toEqual({ pool: 0, pipelined: 2 });
    expect(await verifyOn(named, user.id, RFC4226_CODES[0])).toBe('AUTH_FAILED');
    expect(await verifyOn(named, user.id, RFC4226_CODES[1])).toEqual({ verified: true, serial: 'PREP-ON' });
    expect(await preparedOnTheConnection(named)).toEqual({ pool: 0, pipelined: 3 });
  });
});
