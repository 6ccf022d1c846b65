// The audit group commit (src/services/audit/audit-writer.ts) writing into the audit log
// partitioned by day (migration 1764130000009) next to the same writer on the plain table
// the log was before it (migrations up to 1764130000006), 64 concurrent writers each
// awaiting its row as a call does. "ratio" = partitioned rows/s ÷ plain rows/s: the cost
// partitioning and its extra index (caller) add to every audited call (issue 18).
// Usage: npm run build && node bench/audit-write.mjs   (BENCH_SECONDS per variant, BENCH_CONCURRENCY writers)
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot, startPostgres } from './lib/harness.mjs';
import { runInterleaved } from './lib/load.mjs';
import { printResult } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { Database, openDatabase } = require(join(repoRoot, 'dist/src/db/index.js'));
const { migrate } = require(join(repoRoot, 'dist/src/db/migrate.js'));
const { AuditWriter } = require(join(repoRoot, 'dist/src/services/audit/audit-writer.js'));
const { migrations } = require(join(repoRoot, 'dist/migrations/index.js'));
const { Ops1764130000009 } = require(join(repoRoot, 'dist/migrations/1764130000009-ops.js'));

const db = await startPostgres();
const sources = [];
try {
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await admin.query('CREATE DATABASE bench_plain');
  await admin.end();
  const plainUrl = Object.assign(new URL(db.url), { pathname: '/bench_plain' }).toString();

  const partitioned = await openDatabase(db.url, { poolSize: 20 });
  sources.push(partitioned);
  const plain = new Database({ url: plainUrl, poolSize: 20, hotConnections: 1, preparedStatements: true, connectTimeoutMs: 10_000 });
  sources.push(plain);
  await migrate(plain, migrations.slice(0, migrations.indexOf(Ops1764130000009)));
  await plain.rows('ALTER TABLE audit_log ADD COLUMN details jsonb'); // a later migration's column, which the writer fills
  const [kind] = await partitioned.rows(`SELECT relkind FROM pg_class WHERE relname = 'audit_log'`);
  const [plainKind] = await plain.rows(`SELECT relkind FROM pg_class WHERE relname = 'audit_log'`);
  console.log(`audit_log: partitioned relkind ${kind.relkind}, plain relkind ${plainKind.relkind}`);

  const entry = (w) => ({
    time: new Date(), caller: { kind: 'apikey', id: `bench-${w}` }, method: '/auth/verify', target: `user-${w}`,
    outcome: w % 50 === 0 ? 'error' : 'ok', errorName: w % 50 === 0 ? 'AUTH_FAILED' : undefined, durationMs: 1.5,
  });
  const writers = { plain: new AuditWriter(plain), partitioned: new AuditWriter(partitioned) };
  const [base, parted] = await runInterleaved([
    { name: 'plain table', call: (w) => writers.plain.write(entry(w)) },
    { name: 'partitioned by day', call: (w) => writers.partitioned.write(entry(w)) },
  ]);
  printResult('audit rows, plain table (before 1764130000009)', base, { baseline: true, ratioTo: 'plain table' });
  printResult('audit rows, partitioned by day', parted, { vs: base, ratioTo: 'plain table' });
} finally {
  for (const database of sources) await database.close();
  await db.stop();
}
