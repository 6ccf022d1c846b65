import { randomUUID } from 'node:crypto';
import type { Db } from '../../db';
import { draftProblems } from '../../domain/import/token-checks';
import { sealSeed } from '../tokens/token-seeds';
import type { ImportEntry } from './import-entries';
import type { ProductChooser } from './product-chooser';

/**
 * Every entry of an import is recorded in a temporary table of the call's connection
 * (position, serial, id, or its problem), so memory holds one chunk however large the
 * file, and the checks that need every entry (a serial used twice) are joins. The good
 * entries' tokens are written as their chunk is staged, in the same statement, inside
 * the call's transaction: an error at any point rolls them back, and a file of a million
 * tokens is written once, not staged and then copied. The table lives and dies with
 * the transaction (ON COMMIT DROP; a rollback undoes its creation): behind PgBouncer in
 * transaction mode the next transaction may run on another server connection, so nothing
 * of the import may be left to read there. The reply's rows are copied into an ordinary
 * table, token_import_replies, keyed by the import, before the commit (token-import.ts).
 */
export async function createImportTable(db: Db): Promise<void> {
  await db.rows('DROP TABLE IF EXISTS token_import_rows'); // left on this connection by a release that kept it past the commit
  await db.rows(`
    CREATE TEMPORARY TABLE token_import_rows (
      position int NOT NULL,
      serial text,
      problem text,            -- why the entry cannot be imported; null for a good one
      id uuid,                 -- the token's id, for a good entry
      conflict boolean NOT NULL DEFAULT false  -- the product already had this serial
    ) ON COMMIT DROP`);
}
interface StagedRow {
  position: number; serial: string | null; problem: string | null; id: string | null; productId: string | null;
  seed: Buffer | null; algorithm: string | null; digits: number | null; period: number | null; counter: string | null;
}

/** An entry as a staged row: checked on its own and given its product; skipped PSKC keys are not entries. */
export function stagedRowOf(draft: Exclude<ImportEntry, { skipped: string }>, productOf: ProductChooser, masterKey: Buffer): StagedRow {
  const serial = draft.serial?.trim() || null;
  const messages = draftProblems(draft);
  const token = draft.token;
  const product = token && messages.length === 0 ? productOf(token) : undefined;
  if (typeof product === 'string') messages.push(product);
  if (!token || !product || typeof product === 'string' || !serial) {
    return {
      position: draft.position, serial, problem: messages.join('; ') || 'no token could be read',
      id: null, productId: null, seed: null, algorithm: null, digits: null, period: null, counter: null,
    };
  }
  const id = randomUUID();
  return {
    position: draft.position, serial, problem: null, id, productId: product.id, seed: sealSeed(masterKey, token.secret, id),
    algorithm: token.algorithm, digits: token.digits, period: token.type === 'TOTP' ? token.period : 30,
    // decimal text: node-postgres cannot send a bigint, and a number would round above 2^53
    counter: token.counter.toString(),
  };
}

/*
 * One statement per chunk, whatever its size (eleven array parameters): the good
 * entries go into tokens (unless the file is already known to be refused: `write`
 * false), every entry into token_import_rows. A serial the product already has is
 * not an error here (ON CONFLICT DO NOTHING): it is marked, and reported once the
 * whole file is read, after the file's own problems. ON CONFLICT also settles a race
 * with a concurrent import of the same serial (it waits for that one to end).
 */
const STAGE_CHUNK = `
  WITH entry AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::bytea[], $7::text[], $8::int[], $9::int[], $10::bigint[])
      AS e(position, serial, problem, id, product_id, seed_sealed, algorithm, digits, period, counter)
  ), written AS (
    INSERT INTO tokens (id, product_id, repository_id, serial, seed_sealed, algorithm, digits, period, counter)
    SELECT id, product_id, $11::uuid, serial, seed_sealed, algorithm, digits, period, counter
    FROM entry WHERE problem IS NULL AND $12::boolean
    ON CONFLICT (product_id, serial) DO NOTHING
    RETURNING id
  )
  INSERT INTO token_import_rows (position, serial, problem, id, conflict)
  SELECT e.position, e.serial, e.problem, e.id, $12::boolean AND e.problem IS NULL AND w.id IS NULL
  FROM entry e LEFT JOIN written w ON w.id = e.id`;

export async function stageRows(db: Db, rows: readonly StagedRow[], write: { repositoryId: string | null; tokens: boolean }): Promise<void> {
  const column = <K extends keyof StagedRow>(k: K) => rows.map((r) => r[k]);
  await db.rows(STAGE_CHUNK, [
    column('position'), column('serial'), column('problem'), column('id'), column('productId'), column('seed'),
    column('algorithm'), column('digits'), column('period'), column('counter'), write.repositoryId, write.tokens,
  ]);
}
