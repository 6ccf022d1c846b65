import { pathToFileURL } from 'node:url';
// The floor statements of bench/hot-paths.mjs over one PostgreSQL driver set-up, for
// bench/drivers.mjs (issue 25: one driver, chosen by measurement). A bare node:http server in
// a process of its own (started by harness startDriverApp), no framework, one statement a call:
//   POST /floor-a {id}     `UPDATE tokens SET counter = counter + 1 WHERE id = $1 RETURNING counter`
//   POST /floor-b {token}  HMAC-SHA-256 of the token in node (BENCH_PEPPER), then
//                          `SELECT … FROM user_tokens WHERE token_hash = $1`
// BENCH_DRIVER (with BENCH_CONNECTIONS = N):
//   pg               pg.Pool of N, unnamed statements (floor A and B of hot-paths.mjs at N = 20)
//   pg-named         pg.Pool of N, named statements ({name, text, values}: parsed once per connection)
//   pg-pipeline      N pg Clients with `pipeline: true`, round-robin, unnamed statements
//   pg-pipeline-named  the same with named statements
//   postgres         postgres.js with max N, prepared (`unsafe(text, values, { prepare: true })`)
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { FLOOR_A, FLOOR_B, serveJsonRoutes } from './json-server.mjs';

const env = process.env;
const url = env.BENCH_DATABASE_URL ?? '';
const n = Number(env.BENCH_CONNECTIONS);
const pepper = Buffer.from(env.BENCH_PEPPER ?? '', 'hex');
const hash = (value) => createHmac('sha256', pepper).update(value, 'utf8').digest();


/** @type {{ query: (name: string, text: string, values: any[]) => Promise<any[]>, end: () => Promise<unknown> }} */
const driver = await (async () => {
  switch (env.BENCH_DRIVER) {
    case 'pg':
    case 'pg-named': {
      const pool = new pg.Pool({ connectionString: url, max: n });
      const named = env.BENCH_DRIVER === 'pg-named';
      return {
        query: async (name, text, values) => (await pool.query(named ? { name, text, values } : { text, values })).rows,
        end: () => pool.end(),
      };
    }
    case 'pg-pipeline':
    case 'pg-pipeline-named': {
      const clients = Array.from({ length: n }, () => new pg.Client({ connectionString: url, pipeline: true }));
      await Promise.all(clients.map((c) => c.connect()));
      const named = env.BENCH_DRIVER === 'pg-pipeline-named';
      let next = 0;
      return {
        query: async (name, text, values) => (await clients[next++ % n].query(named ? { name, text, values } : { text, values })).rows,
        end: () => Promise.all(clients.map((c) => c.end())),
      };
    }
    case 'postgres': {
      // not a dependency of tokengate: bench/drivers.mjs installs it aside and names it
      const { default: postgres } = await import(pathToFileURL(/** @type {string} */ (env.BENCH_POSTGRES_JS)).href);
      const sql = postgres(url, { max: n, onnotice: () => {} });
      return { query: (_name, text, values) => sql.unsafe(text, values, { prepare: true }), end: () => sql.end() };
    }
    default:
      throw new Error(`BENCH_DRIVER ${env.BENCH_DRIVER}: not a driver set-up`);
  }
})();

const routes = {
  async '/floor-a'({ id }) {
    const [row] = await driver.query('floor-a', FLOOR_A, [id]);
    return { counter: row?.counter ?? null };
  },
  async '/floor-b'({ token }) {
    const [row] = await driver.query('floor-b', FLOOR_B, [hash(token)]);
    return row ? { active: true, ...row } : { active: false };
  },
};

serveJsonRoutes(routes, Number(env.BENCH_PORT), 'driver ready', () => driver.end());
