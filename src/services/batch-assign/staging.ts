import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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

export interface StagingWriter {
  /** Queues a chunk of rows; resolves once the connection can take more (backpressure). */
  write(rows: readonly CheckedRow[]): Promise<void>;
  /** Ends the COPY; resolves when PostgreSQL has every row. */
  end(): Promise<void>;
  /** Cancels the COPY (CopyFail) and waits until the connection is usable again, for the rollback. */
  abort(): Promise<void>;
}

/**
 * One COPY … FROM STDIN on the transaction's connection for the whole file: no statement
 * per chunk, and COPY's text format is what PostgreSQL loads fastest (a multi-row INSERT
 * of array parameters spent most of its time parsing the arrays).
 */
export async function openStaging(db: EntityManager, pepper: Buffer): Promise<StagingWriter> {
  if (!db.queryRunner) throw new Error('openStaging: the batch runs in a transaction');
  const client = (await db.queryRunner.connect()) as PoolClient;
  const copy = client.query(copyFrom('COPY batch_assign_rows FROM STDIN'));
  const done = finished(copy);
  done.catch(() => {}); // awaited by end() or abort()
  return {
    async write(rows) {
      if (!copy.write(copyLines(rows, pepper))) await Promise.race([once(copy, 'drain'), done]);
    },
    async end() {
      copy.end();
      await done;
    },
    async abort() {
      copy.destroy(new Error('the batch stopped before the end of its file'));
      await done.catch(() => {});
    },
  };
}

/** The rows in COPY text format, PINs hashed (one call per chunk). */
function copyLines(rows: readonly CheckedRow[], pepper: Buffer): string {
  const pins: string[] = [];
  for (const r of rows) if (r.pin !== null) pins.push(r.pin);
  const hashes = hashBulkPins(pepper, pins);
  let next = 0;
  let out = '';
  for (const r of rows) {
    const pinHash = r.pin !== null ? hashes[next++] : null;
    out += `${r.line}\t${field(r.domain)}\t${field(r.loginName)}\t${field(r.manufacturerCode)}\t${field(r.productCode)}\t${field(r.serial)}\t`
      + `${field(r.status)}\t${field(pinHash)}\t${field(r.errorName)}\t${field(r.errorMessage)}\t`
      + `${field(usernameKey(r.domain))}\t${field(usernameKey(r.loginName))}\n`;
  }
  return out;
}

/** COPY text format: \N is NULL; backslash, tab, line feed and carriage return are escaped. (NUL never reaches here: row-checks.ts drops it.) */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c]!) : value;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
