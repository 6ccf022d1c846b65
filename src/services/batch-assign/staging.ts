import { finished } from 'node:stream/promises';
import type { Db } from '../../db';
import { hashBulkPins } from '../../domain/crypto/bulk-pin-hash';
import type { IdSource } from '../../domain/ids/time-ordered-ids';
import { BinaryCopyWriter } from './copy-binary';
import type { NameTracker } from './repeated-names';
import { usernameKey } from '../../domain/names/username-key';
import type { CheckedRow } from './row-checks';

/**
 * One chunk of the batch's rows at a time lives in a temporary table of the call's
 * transaction (gone at commit or rollback): the statement that checks a chunk
 * (validate-staged.ts) reads it while node reads and hashes the next one. PINs are
 * staged already hashed, in the bulk form they are stored in (HMAC-SHA-256 under the
 * pepper, per-row salt; SPEC §8): a temporary table may spill to disk, and a PIN is
 * never stored in the clear.
 */
export async function createStagingTable(db: Db): Promise<void> {
  await db.rows(`
    CREATE TEMPORARY TABLE batch_assign_chunk (
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
      login_name_key text NOT NULL,
      new_user_id uuid           -- createUsers: the id of the user the row names, should it be made (time-ordered)
    ) ON COMMIT DROP`);
}

export interface StagingWriter {
  /** Stages a chunk of rows and checks it; resolves once the chunk before it is done (backpressure). */
  write(rows: readonly CheckedRow[]): Promise<void>;
  /** Resolves when every chunk is staged and checked. */
  end(): Promise<void>;
  /** Waits until the connection is idle again, for the rollback. */
  abort(): Promise<void>;
}

/**
 * Each chunk goes as one query on the transaction's connection: a COPY … FROM STDIN in the
 * binary format (copy-binary.ts: what PostgreSQL loads fastest; a multi-row INSERT of array
 * parameters spent most of its time parsing the arrays), then `checkChunk`, then a TRUNCATE for the
 * next chunk (in place: the table is the transaction's own). PostgreSQL runs the statements
 * of a query string one after the other, the COPY taking the data sent for it. The next
 * chunk is sent when this one is done, so PostgreSQL checks one chunk while node reads,
 * checks and hashes the next; one COPY for the whole file would hold the connection, and
 * every check, until the end of the file.
 */
export async function openStaging(db: Db, pepper: Buffer, checkChunk: string, newUsers: NewUsers | null): Promise<StagingWriter> {
  if (!db.inTransaction) throw new Error('openStaging: the batch runs in a transaction');
  const query = `COPY batch_assign_chunk FROM STDIN (FORMAT binary); ${checkChunk}; TRUNCATE batch_assign_chunk`;
  let last: Promise<void> = Promise.resolve();
  return {
    async write(rows) {
      const data = copyChunk(rows, pepper, newUsers);
      const previous = last;
      last = previous.then(async () => {
        const copy = db.copyFrom(query);
        copy.end(data);
        await finished(copy);
      });
      last.catch(() => {}); // awaited by the next write, end() or abort()
      await previous;
    },
    async end() {
      await last;
    },
    async abort() {
      await last.catch(() => {});
    },
  };
}

/** createUsers: each row's would-be user id, and the tracker told each row's user (by its keys). */
export interface NewUsers { ids: IdSource; names: NameTracker }

/**
 * The rows in binary COPY format, in the table's column order, PINs hashed (one call per
 * chunk). With `newUsers`, every row gets a new user id in file order, used only if its
 * user is made (write-assignments.ts): ids that follow each other append to the users' and
 * assignments' id indexes.
 */
function copyChunk(rows: readonly CheckedRow[], pepper: Buffer, newUsers: NewUsers | null): Buffer {
  const pins: string[] = [];
  for (const r of rows) if (r.pin !== null) pins.push(r.pin);
  const hashes = hashBulkPins(pepper, pins);
  let next = 0;
  const copy = new BinaryCopyWriter(256 * rows.length);
  for (const r of rows) {
    const domainKey = usernameKey(r.domain);
    const loginNameKey = usernameKey(r.loginName);
    newUsers?.names.add(domainKey, loginNameKey);
    copy.row(13).int4(r.line).text(r.domain).text(r.loginName).text(r.manufacturerCode).text(r.productCode).text(r.serial)
      .text(r.status).text(r.pin !== null ? hashes[next++]! : null).text(r.errorName).text(r.errorMessage)
      .text(domainKey).text(loginNameKey).uuid(newUsers ? newUsers.ids.into : null);
  }
  return copy.finish();
}
