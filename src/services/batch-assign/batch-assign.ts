import { setImmediate } from 'node:timers/promises';
import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { readCsvRecords } from './csv-records';
import { CsvSyntaxError } from './csv-text-cleaner';
import { NameTracker, trackNames } from './repeated-names';
import { timeOrderedIds } from '../../domain/ids/time-ordered-ids';
import { CheckedRow, checkRow, CsvHeaderError, readHeader } from './row-checks';
import { createStagingTable, openStaging, StagingWriter } from './staging';
import { checkChunkStatement, checkStagedRows, createCheckedTable, listRowErrors, RowError } from './validate-staged';
import { createMissingUsers, writeAssignments } from './write-assignments';
import type { UserResolver } from '../directory/user-resolver';
import { directoryNameResolver } from './directory-names';

export interface BatchAssignOptions {
  /** atomic: one bad row and nothing is written (BATCH_REJECTED); partial: the good rows are. */
  mode: 'atomic' | 'partial';
  /** Answer what the call would answer, write nothing. */
  dryRun: boolean;
  /** Create unknown users in existing domains instead of failing their rows. */
  createUsers: boolean;
  onProgress?: (p: BatchProgress) => void;
  /** Resolves the users of directory domains, a chunk at a time (directory-names.ts); without one, names are local rows only. */
  users?: UserResolver;
}

export interface BatchProgress { phase: 'reading' | 'checking' | 'writing'; rows: number }

export interface BatchAssignResult { total: number; assigned: number; failed: number; errors: RowError[] }

/** At most this many rows are listed in `errors`; `failed` always counts them all. */
export const MAX_LISTED_ERRORS = 1000;
const CHUNK_ROWS = 5000;
const YIELD_ROWS = 500;

/**
 * /token/batchAssignTokens on `db` (one transaction: the caller commits or rolls back).
 * Stream the CSV into a temporary table a chunk at a time (a COPY each), each chunk
 * checked with a few joins while node reads the next, then write with one INSERT … SELECT.
 * Nothing is written before every check ran.
 * PINs are hashed as they are staged, under `pepper` (bulk-pin-hash.ts: ~1 µs a row).
 */
export async function batchAssignTokens(db: Db, pepper: Buffer, text: AsyncIterable<string>, opts: BatchAssignOptions): Promise<BatchAssignResult> {
  const progress = opts.onProgress ?? (() => {});
  // The user creation sorts the whole batch; at the default 4 MB it sorts on disk. This
  // call's transaction only (SET LOCAL), in the PostgreSQL backend, not in node.
  await db.rows(`SET LOCAL work_mem = '64MB'`);
  await createStagingTable(db);
  await createCheckedTable(db);
  // A chunk's check probes tokens and users by index: they are in memory, not on disk, and
  // at the default cost the planner hashed all of tokens again for every 5,000-row chunk.
  await db.rows('SET LOCAL random_page_cost = 1.1');
  // Only createUsers makes users: their ids, and whether a name repeats, are of no use otherwise.
  const newUsers = opts.createUsers ? { ids: timeOrderedIds(), names: trackNames() } : null;
  const staging = await openStaging(db, pepper, checkChunkStatement(opts), newUsers);
  const tokenNames = trackNames();
  const beforeChunk = opts.users ? directoryNameResolver(db, opts.users, opts.createUsers) : undefined;
  const staged = await stageCsv(staging, text, tokenNames, (rows) => progress({ phase: 'reading', rows }), beforeChunk);
  await db.rows('SET LOCAL random_page_cost TO DEFAULT');

  progress({ phase: 'checking', rows: staged });
  const { total, failed, repeated } = await checkStagedRows(db, { tokenNamedTwice: tokenNames.mayRepeat });
  const errors = failed > 0 ? await listRowErrors(db, MAX_LISTED_ERRORS) : [];
  if (failed > 0 && opts.mode === 'atomic') throw AppError.of(E.BATCH_REJECTED, { total, assigned: 0, failed, errors });

  const assigned = total - failed;
  if (!opts.dryRun && assigned > 0) {
    const { usersByName } = newUsers ? await createMissingUsers(db, { namesMayRepeat: newUsers.names.mayRepeat }) : { usersByName: false };
    progress({ phase: 'writing', rows: assigned });
    await writeAssignments(db, { repeated, usersByName });
  }
  return { total, assigned, failed, errors };
}

/** Header, row checks and staging, a chunk of rows in memory at a time; returns the rows staged. */
async function stageCsv(
  staging: StagingWriter, text: AsyncIterable<string>, tokenNames: NameTracker, onChunk: (rows: number) => void,
  beforeChunk?: (rows: CheckedRow[]) => Promise<void>,
): Promise<number> {
  let layout: ReturnType<typeof readHeader> | undefined;
  let headerLine = 1;
  let chunk: CheckedRow[] = [];
  let staged = 0;
  const flush = async () => {
    const rows = chunk;
    chunk = [];
    await beforeChunk?.(rows);
    await staging.write(rows);
    onChunk(staged += rows.length);
  };
  try {
    for await (const record of readCsvRecords(text)) {
      if (!layout) { headerLine = record.line; layout = readHeader(record.fields); continue; }
      const row = checkRow(record, layout);
      tokenNames.add(row.manufacturerCode, row.productCode, row.serial);
      chunk.push(row);
      if (chunk.length === CHUNK_ROWS) await flush();
      // Buffered input is read without a turn of the event loop: PostgreSQL's replies (a chunk
      // done, a COPY ready for its data) would wait, and PostgreSQL with them, until it ran dry.
      else if (chunk.length % YIELD_ROWS === 0) await setImmediate();
    }
    if (!layout) throw csvInvalid(1, 'the file is empty; a header line is required');
    if (chunk.length > 0) await flush();
    await staging.end();
  } catch (err) {
    await staging.abort();
    if (err instanceof CsvSyntaxError) throw csvInvalid(err.line, err.message);
    if (err instanceof CsvHeaderError) throw csvInvalid(headerLine, err.message);
    throw err;
  }
  return staged;
}

function csvInvalid(line: number, message: string): AppError {
  return AppError.of(E.CSV_INVALID, { errors: [{ line, serial: null, name: 'CSV_INVALID', message }] });
}
