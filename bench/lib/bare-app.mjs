// The bare express baseline's process (started by harness startBare): express + a pg
// Pool as large as the server's, and the pieces every bare route shares, handed to the
// bench's own `bareRoutes(app, ctx)`:
//   ctx.pool       the main pool (POOL_SIZE connections)
//   ctx.sidePool   4 connections, as the server's rate-limit pool (counters commit on their own)
//   ctx.apiKeyCaller(req)  the gateway's API-key lookup: keyed hash of the bearer key, one SELECT
//   ctx.audit(entry)       the audit row, group-committed as the server's AuditWriter does (below)
//   ctx.hash(value)        HMAC-SHA-256 under this process's pepper (the server's keyedHash)
//   ctx.apiKey             the key ctx.apiKeyCaller accepts (also given to the bench by startBare)
//   ctx.importDist(path)   a module of the compiled server, e.g. 'services/devices/device-auth.js'
// Usage (by harness only): node bench/lib/bare-app.mjs <bench module url>
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express from 'express';
import pg from 'pg';
import { repoRoot } from './harness.mjs';

/** The gateway's API-key lookup (services/apikeys/api-keys.ts), statement for statement. */
export const API_KEY_SQL = `SELECT id, name, scopes, identity FROM api_keys
      WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;

const env = process.env;
const importDist = (path) => import(pathToFileURL(join(repoRoot, 'dist/src', path)).href);
const pool = new pg.Pool({ connectionString: env.BENCH_DATABASE_URL, max: Number(env.BENCH_POOL_SIZE) });
const sidePool = new pg.Pool({ connectionString: env.BENCH_DATABASE_URL, max: 4 });
const pepper = randomBytes(32);
const hash = (value) => createHmac('sha256', pepper).update(value, 'utf8').digest();
await pool.query(`INSERT INTO api_keys (name, key_hash, scopes) VALUES ('bare baseline', $1, '{admin}')`, [hash(env.BENCH_API_KEY)]);

/**
 * The server's group commit (src/services/audit/audit-writer.ts), statement for statement: the
 * rows that arrive while an INSERT is in flight go together in the next one, the server's own
 * prepared statement (imported) whatever the batch size. The writer itself is not imported:
 * it takes the server's database handle, which a bare pg Pool is not.
 */
const { AUDIT_INSERT_SQL } = await importDist('services/audit/audit-writer.js');
/** @type {{ entry: any, done: (err?: unknown) => void }[]} */
const auditQueue = [];
/** @type {Promise<void> | null} */
let auditFlushing = null;
const auditWriter = {
  /** @param {any} entry */
  write(entry) {
    return new Promise((resolve, reject) => {
      auditQueue.push({ entry, done: (err) => (err ? reject(err) : resolve(undefined)) });
      if (!auditFlushing) auditFlushing = drainAudit();
    });
  },
};
async function drainAudit() {
  while (auditQueue.length > 0) {
    const batch = auditQueue.splice(0, 500);
    const rows = batch.map(({ entry: e }) => {
      const caller = e.caller ? (e.caller.kind === 'device' ? `device:${e.caller.uuid}` : `apikey:${e.caller.id}`) : null;
      return [e.time, caller, e.method.slice(0, 200), e.target ?? null, e.outcome, e.errorName ?? null, e.durationMs, null];
    });
    try {
      await pool.query({ name: 'bare-audit', text: AUDIT_INSERT_SQL, values: [JSON.stringify(rows)] });
      batch.forEach((b) => b.done());
    } catch (err) {
      batch.forEach((b) => b.done(err));
    }
  }
  auditFlushing = null;
}

const ctx = {
  pool, sidePool, hash, apiKey: env.BENCH_API_KEY, importDist,
  /** {kind: 'apikey', id, …} for a live bearer key, else null. */
  async apiKeyCaller(req) {
    const [scheme, key] = (req.get('authorization') ?? '').split(' ');
    if (scheme !== 'Bearer' || !key) return null;
    const { rows: [row] } = await pool.query(API_KEY_SQL, [hash(key)]);
    return row ? { kind: 'apikey', ...row } : null;
  },
  /** One finished call: {caller, method, target, outcome?, errorName?, started} (started = performance.now()). */
  audit({ caller, method, target, outcome = 'ok', errorName, started }) {
    return auditWriter.write({ time: new Date(), caller, method, target, outcome, errorName, durationMs: performance.now() - started });
  },
};

const { bareRoutes } = await import(process.argv[2]);
const app = express();
app.use(express.json());
await bareRoutes(app, ctx);
const server = app.listen(Number(env.BENCH_PORT), '127.0.0.1', () => console.log('bare ready'));
server.keepAliveTimeout = 65_000; // as the server's: interleaved slices leave connections idle for seconds
process.once('SIGTERM', () => { server.close(); server.closeAllConnections(); Promise.all([pool.end(), sidePool.end()]).finally(() => process.exit(0)); });
