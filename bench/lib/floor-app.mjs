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
import http from 'node:http';
import pg from 'pg';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.BENCH_DATABASE_URL, max: Number(env.BENCH_POOL_SIZE) });
const pepper = randomBytes(32);
const hash = (value) => createHmac('sha256', pepper).update(value, 'utf8').digest();

const routes = {
  async '/floor-a'({ id }) {
    const { rows: [row] } = await pool.query('UPDATE tokens SET counter = counter + 1 WHERE id = $1 RETURNING counter', [id]);
    return { counter: row?.counter ?? null };
  },
  async '/floor-b'({ token }) {
    const { rows: [row] } = await pool.query(
      'SELECT user_id AS "userId", domain_id AS "ecosystemId", expiry_type AS "expiryType", expires_at AS "expiresAt" FROM user_tokens WHERE token_hash = $1',
      [hash(token)]);
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

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const route = routes[req.url];
      if (!route) { res.writeHead(404).end(); return; }
      const body = JSON.stringify(await route(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err instanceof Error ? err.message : err) }));
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(env.BENCH_PORT), '127.0.0.1', () => console.log('floor ready'));
process.once('SIGTERM', () => { server.close(); server.closeAllConnections(); pool.end().finally(() => process.exit(0)); });
