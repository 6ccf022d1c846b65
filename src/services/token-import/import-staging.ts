import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { draftProblems } from '../../domain/import/token-checks';
import { sealSeed } from '../tokens/token-seeds';
import type { ImportEntry } from './import-entries';
import type { ProductChooser } from './product-chooser';

/**
 * Every entry of an import lives in a temporary table of the call's connection, bad
 * ones with their problem, so memory holds one chunk however large the file, and the
 * checks that need every entry (a serial used twice, serials already stored) are
 * joins. It outlives the commit (ON COMMIT PRESERVE ROWS) because the reply's rows are
 * read from it afterwards; token-import.ts drops it. Seeds are staged sealed exactly
 * as the tokens table holds them (under the master key, bound to the token id).
 */
export async function createImportTable(db: EntityManager): Promise<void> {
  await db.query('DROP TABLE IF EXISTS token_import_rows');
  await db.query(`
    CREATE TEMPORARY TABLE token_import_rows (
      position int NOT NULL,
      serial text,
      problem text,            -- why the entry cannot be imported; null for a good one
      id uuid,
      product_id uuid,
      seed_sealed bytea,
      algorithm text,
      digits int,
      period int,
      counter bigint
    ) ON COMMIT PRESERVE ROWS`);
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

/** One multi-row INSERT per chunk: ten array parameters whatever the chunk size. */
export async function stageRows(db: EntityManager, rows: readonly StagedRow[]): Promise<void> {
  const column = <K extends keyof StagedRow>(k: K) => rows.map((r) => r[k]);
  await db.query(
    `INSERT INTO token_import_rows
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::bytea[], $7::text[], $8::int[], $9::int[], $10::bigint[])`,
    [column('position'), column('serial'), column('problem'), column('id'), column('productId'), column('seed'),
      column('algorithm'), column('digits'), column('period'), column('counter')],
  );
}
