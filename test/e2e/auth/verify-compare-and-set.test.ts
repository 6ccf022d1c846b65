import { UserResolver } from '../../../src/services/directory/user-resolver';
import { verifyUserOtp } from '../../../src/services/auth/verify-otp';
import { isAppError } from '../../../src/errors';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX, tokenRow } from '../token/fixtures';

// /auth/verify decides on a snapshot and commits with a compare-and-set (services/auth/verify-otp.ts).
// These tests make another writer win the race on purpose, between the decision and its commit,
// through the service's beforeCommit hook, and check that the retry decides again on what is there now.

const LIMIT = { limit: 3, windowSeconds: 300 };
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

/** A hardware HOTP token with the RFC 4226 seed at counter 0, assigned to a new user. */
async function hotpUser(serial: string) {
  const user = await makeUser(s);
  await importCsv(s, [`${serial},${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
  await s.call('/token/assign', { token: { serial }, user: { id: user.id } });
  return user;
}

/** verifyUserOtp with `interfere` run before the first compare-and-set only; the outcome and the rounds it took. */
async function verifyWhileAnotherWriterWins(userId: string, otp: string, interfere: () => Promise<unknown>) {
  let rounds = 0;
  const beforeCommit = async () => { if (rounds++ === 0) await interfere(); };
  try {
    const result = await verifyUserOtp(s.db, s.keys, new UserResolver(s.keys.masterKey), { user: { id: userId }, credential: { otp } }, LIMIT, { beforeCommit });
    return { result, rounds };
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { error: err.errorName, data: err.data, rounds };
  }
}

const setToken = (serial: string, assignments: string) => s.db.query(`UPDATE tokens SET ${assignments} WHERE serial = $1`, [serial]);

describe('/auth/verify: the compare-and-set and its retry', () => {
  it('when another call moves the counter before the commit but the code still lies ahead then the retry verifies it', async () => {
    const user = await hotpUser('CAS-AHEAD');
    // decided at counter 0 (code 1 found, next 2); meanwhile code 0 is used elsewhere: counter 1
    const outcome = await verifyWhileAnotherWriterWins(user.id, RFC4226_CODES[1], () => setToken('CAS-AHEAD', 'counter = 1'));
    expect(outcome).toEqual({ result: { verified: true, serial: 'CAS-AHEAD' }, rounds: 2 });
    expect(await tokenRow(s, 'CAS-AHEAD')).toMatchObject({ counter: 2, failCount: 0 });
  });

  it('when another call used the same code before the commit then the retry answers AUTH_FAILED and counts one failure', async () => {
    const user = await hotpUser('CAS-SAME');
    const outcome = await verifyWhileAnotherWriterWins(user.id, RFC4226_CODES[1], () => setToken('CAS-SAME', 'counter = 2'));
    expect(outcome).toEqual({ error: 'AUTH_FAILED', data: undefined, rounds: 1 });
    expect(await tokenRow(s, 'CAS-SAME')).toMatchObject({ counter: 2, failCount: 1 });
    expect(await s.db.query('SELECT hits FROM rate_limits WHERE bucket = $1', [`verify-fail:user:${user.id}`])).toEqual([{ hits: 1 }]);
  });

  it('when the token is locked before the commit then the code is not accepted and the answer is AUTH_LOCKED', async () => {
    const user = await hotpUser('CAS-LOCK');
    const outcome = await verifyWhileAnotherWriterWins(user.id, RFC4226_CODES[0], () => setToken('CAS-LOCK', 'locked = true'));
    expect(outcome).toMatchObject({ error: 'AUTH_LOCKED', rounds: 1 });
    expect(await tokenRow(s, 'CAS-LOCK')).toMatchObject({ counter: 0, locked: true });
  });

  it('when the user\'s failures reach the limit before the commit then the right code is refused with RATE_LIMITED', async () => {
    const user = await hotpUser('CAS-LIMIT');
    const outcome = await verifyWhileAnotherWriterWins(user.id, RFC4226_CODES[0], () => s.db.query(
      `INSERT INTO rate_limits (bucket, hits, window_ends_at) VALUES ($1, $2, now() + interval '300 seconds')`,
      [`verify-fail:user:${user.id}`, LIMIT.limit]));
    expect(outcome).toEqual({ error: 'RATE_LIMITED', data: { retryAfter: expect.any(Number) }, rounds: 1 });
    expect(await tokenRow(s, 'CAS-LIMIT')).toMatchObject({ counter: 0, failCount: 0 });
  });

  it('when nothing interferes then one round commits, and a success with no failures before it writes nothing to rate_limits', async () => {
    const user = await hotpUser('CAS-CLEAN');
    // a statement-level trigger fires for every INSERT, UPDATE or DELETE on rate_limits, even one touching no row
    await s.db.query(`CREATE TABLE rate_limit_statements (op text)`);
    await s.db.query(`CREATE FUNCTION note_rate_limit_statement() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN INSERT INTO rate_limit_statements VALUES (TG_OP); RETURN NULL; END $$`);
    await s.db.query(`CREATE TRIGGER note_statements AFTER INSERT OR UPDATE OR DELETE ON rate_limits
      FOR EACH STATEMENT EXECUTE FUNCTION note_rate_limit_statement()`);
    try {
      const outcome = await verifyWhileAnotherWriterWins(user.id, RFC4226_CODES[0], async () => {});
      expect(outcome).toEqual({ result: { verified: true, serial: 'CAS-CLEAN' }, rounds: 1 });
      expect((await s.rest('/auth/verify', { user: { id: user.id }, credential: { otp: RFC4226_CODES[1] } })).status).toBe(200);
      expect(await s.db.query('SELECT op FROM rate_limit_statements')).toEqual([]);
      // the trigger itself works: a failure is recorded
      expect((await s.rest('/auth/verify', { user: { id: user.id }, credential: { otp: '000000' } })).body.name).toBe('AUTH_FAILED');
      // (INSERT … ON CONFLICT DO UPDATE fires the INSERT and the UPDATE statement triggers)
      expect((await s.db.query('SELECT op FROM rate_limit_statements ORDER BY op')).map((r: { op: string }) => r.op)).toEqual(['INSERT', 'UPDATE']);
    } finally {
      await s.db.query('DROP TRIGGER note_statements ON rate_limits');
    }
  });
});
