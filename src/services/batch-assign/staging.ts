import type { EntityManager } from 'typeorm';
import { hashBulkPins } from '../../domain/crypto/bulk-pin-hash';
import { usernameKey } from '../../domain/names/username-key';
import type { CheckedRow } from './row-checks';

/**
 * The batch's rows live in a temporary table of the call's transaction (gone at
 * commit or rollback), so memory holds one chunk at a time and every later check
 * is a join. PINs are staged already hashed, in the bulk form they are stored in
 * (HMAC-SHA-256 under the pepper, per-row salt; SPEC §8): a temporary table may spill
 * to disk, and a PIN is never stored in the clear.
 */
export async function createStagingTable(db: EntityManager): Promise<void> {
  await db.query(`
    CREATE TEMPORARY TABLE batch_assign_rows (
      line int NOT NULL,
      domain text NOT NULL,
      login_name text NOT NULL,
      manufacturer_code text NOT NULL,
      product_code text NOT NULL,
      serial text NOT NULL,
      status text,
      pin_hash text,             -- bulk-pin-hash.ts form, re-hashed with scrypt on first verify
      error_name text,           -- set when the row failed a check of its own (row-checks.ts)
      error_message text,
      domain_key text NOT NULL,  -- the names' keys (domain/names): rows meet the directory by these
      login_name_key text NOT NULL
    ) ON COMMIT DROP`);
}

/** One multi-row INSERT per chunk: twelve array parameters whatever the chunk size. */
export async function stageRows(db: EntityManager, rows: readonly CheckedRow[], pepper: Buffer): Promise<void> {
  const column = <K extends keyof CheckedRow>(k: K) => rows.map((r) => r[k]);
  const withPin = rows.filter((r) => r.pin !== null);
  const hashes = hashBulkPins(pepper, withPin.map((r) => r.pin!));
  const hashOf = new Map(withPin.map((r, i) => [r, hashes[i]]));
  await db.query(
    `INSERT INTO batch_assign_rows
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                          $11::text[], $12::text[])`,
    [
      column('line'), column('domain'), column('loginName'), column('manufacturerCode'), column('productCode'),
      column('serial'), column('status'), rows.map((r) => hashOf.get(r) ?? null),
      column('errorName'), column('errorMessage'),
      rows.map((r) => usernameKey(r.domain)), rows.map((r) => usernameKey(r.loginName)),
    ],
  );
}
