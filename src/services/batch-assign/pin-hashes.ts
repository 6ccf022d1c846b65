import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';
import { createPinHasher } from './pin-hasher';
import { openPin } from './staging';

const FETCH_ROWS = 5000;

/**
 * Fills batch_assign_pins (line → scrypt hash) for the good rows that carry a PIN.
 * Runs after the checks, so a rejected batch or a dry run hashes nothing. A cursor
 * reads the sealed PINs a chunk at a time; the worker pool hashes each chunk on
 * every CPU; one INSERT per chunk stores the hashes.
 */
export async function hashStagedPins(db: EntityManager, pinKey: Buffer, onChunk: (hashed: number) => void = () => {}): Promise<number> {
  await db.query('CREATE TEMPORARY TABLE batch_assign_pins (line int NOT NULL, pin_hash text NOT NULL) ON COMMIT DROP');
  const [{ n }] = await sql(db, `SELECT count(*)::int AS n FROM batch_assign_checked WHERE error_name IS NULL AND pin_sealed IS NOT NULL`);
  if (n === 0) return 0;

  await db.query(`DECLARE batch_assign_pin_cursor NO SCROLL CURSOR FOR
    SELECT line, pin_sealed FROM batch_assign_checked WHERE error_name IS NULL AND pin_sealed IS NOT NULL`);
  const hasher = createPinHasher();
  let hashed = 0;
  try {
    for (;;) {
      const rows: { line: number; pin_sealed: string }[] = await sql(db, `FETCH ${FETCH_ROWS} FROM batch_assign_pin_cursor`);
      if (rows.length === 0) break;
      const pins = rows.map((r) => openPin(pinKey, r.pin_sealed, r.line));
      const hashes = await hasher.hash(pins);
      await db.query('INSERT INTO batch_assign_pins SELECT * FROM unnest($1::int[], $2::text[])', [rows.map((r) => r.line), hashes]);
      hashed += rows.length;
      onChunk(hashed);
    }
  } finally {
    await hasher.close();
  }
  await db.query('CLOSE batch_assign_pin_cursor');
  await db.query('ANALYZE batch_assign_pins');
  return hashed;
}
