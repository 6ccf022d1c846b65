// The physical floors of the hot paths (issue 13): bare node:http + a pg Pool as large as
// the server's, no framework, one statement per call, in a process of its own (started by
// harness startFloor). What a call cannot do with less:
//   POST /floor-a {id}     floor A: one `UPDATE tokens SET counter = counter + 1 WHERE id = $1
//                          RETURNING counter` (the write a successful HOTP verify must make)
//   POST /floor-b {token}  floor B: the token's HMAC-SHA-256 computed in node, then one
//                          `SELECT … FROM user_tokens WHERE token_hash = $1` (the read a token
//                          check must make)
//   POST /setup-b {n}      n user tokens of its own (its pepper), for floor B
// No authentication, no audit row, no validation: every tokengate row is compared with these.
// The same statements over other drivers and connection counts: bench/drivers.mjs.
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { FLOOR_A, FLOOR_B, serveJsonRoutes } from './json-server.mjs';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.BENCH_DATABASE_URL, max: Number(env.BENCH_POOL_SIZE) });
const pepper = randomBytes(32);
const hash = (value) => createHmac('sha256', pepper).update(value, 'utf8').digest();

const routes = {
  async '/floor-a'({ id }) {
    const { rows: [row] } = await pool.query(FLOOR_A, [id]);
    return { counter: row?.counter ?? null };
  },
  async '/floor-b'({ token }) {
    const { rows: [row] } = await pool.query(FLOOR_B, [hash(token)]);
    return row ? { active: true, ...row } : { active: false };
  },
  async '/setup-b'({ n }) {
    const { rows: [{ id: domainId }] } = await pool.query(`INSERT INTO domains (name, name_key) VALUES ('floor', 'floor') RETURNING id`);
    const { rows: [{ id: userId }] } = await pool.query(`INSERT INTO users (domain_id, login_name, login_name_key) VALUES ($1, 'floor', 'floor') RETURNING id`, [domainId]);
    const tokens = Array.from({ length: n }, () => `tgu_${randomBytes(32).toString('base64url')}`);
    await pool.query(
      `INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type) SELECT h, $2, $3, 'Infinite' FROM unnest($1::bytea[]) AS h`,
      [tokens.map(hash), userId, domainId]);
    return { tokens };
  },
};

serveJsonRoutes(routes, Number(env.BENCH_PORT), 'floor ready', () => pool.end());
