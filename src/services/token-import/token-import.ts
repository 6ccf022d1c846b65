import type { Db, OpenTransaction } from '../../db';
import { streamedList, type StreamedList } from '../../contract/streamed-list';
import { ImportFileError, SkippedKeys, type ImportKeys } from '../../domain/import';
import { AppError, E } from '../../errors';
import { findRepository, ProductRef, RepositoryRef } from '../directory/refs';
import { readImportEntries, type ImportReader } from './import-entries';
import { refuseBadEntries, refuseExistingSerials } from './import-checks';
import { createImportTable, stagedRowOf, stageRows } from './import-staging';
import { productChooser } from './product-chooser';

export interface ImportRequest extends ImportKeys {
  product?: ProductRef;
  repository?: RepositoryRef;
  /** Create the named repository when it is missing (the CLI's --repository), in the same transaction. */
  createRepository?: boolean;
  /** The file's text, chunk by chunk. */
  text: AsyncIterable<string>;
  reader: ImportReader;
}

export type ImportedRow = { id: string; serial: string };

const CHUNK = 5000;

/**
 * /token/create's import form (and `tokengate import`): every token of a seed file, or
 * none, at any size. On a connection of its own, in one transaction: entries are
 * staged and their tokens written a chunk at a time as they are read (import-staging.ts),
 * then the whole file is checked with a few set-based statements and committed; the
 * reply's rows are read back from the staging table through a cursor while the caller
 * writes them (StreamedList), and the table is dropped. An error anywhere before the
 * commit rolls everything back, the tokens and the staging.
 */
export async function importTokenFile(db: Db, masterKey: Buffer, request: ImportRequest): Promise<StreamedList<ImportedRow>> {
  const open = await db.database.begin();
  let committed = false;
  try {
    const total = await importInTransaction(open.tx, masterKey, request);
    await open.commit();
    committed = true;
    return replyFrom(open, total);
  } catch (err) {
    if (!committed) await open.rollback();
    if (err instanceof ImportFileError) throw AppError.of(E.IMPORT_FILE_INVALID, { errors: err.reasons }, err.message);
    throw err;
  }
}

async function importInTransaction(tx: Db, masterKey: Buffer, request: ImportRequest): Promise<number> {
  if (request.createRepository && request.repository?.name) {
    await tx.rows('INSERT INTO repositories (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [request.repository.name]);
  }
  const repositoryId = request.repository ? (await findRepository(tx, request.repository)).id : null;
  const productOf = await productChooser(tx, request.product);
  await createImportTable(tx);

  const skipped = new SkippedKeys();
  let chunk: ReturnType<typeof stagedRowOf>[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let refused = false; // once an entry is bad the file is refused: its tokens need not be written
  const flush = async () => {
    await inFlight;
    const rows = chunk;
    chunk = [];
    refused ||= rows.some((r) => r.problem !== null);
    inFlight = stageRows(tx, rows, { repositoryId, tokens: !refused });
    inFlight.catch(() => {}); // awaited at the next flush; never left unhandled if reading fails first
  };
  for await (const entry of readImportEntries(request.text, request.reader, request)) {
    if ('skipped' in entry) {
      skipped.add(entry.skipped);
      continue;
    }
    chunk.push(stagedRowOf(entry, productOf, masterKey));
    if (chunk.length === CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  await inFlight;

  const total = await refuseBadEntries(tx);
  if (total === 0) throw ImportFileError.ofNoTokens(skipped);
  await refuseExistingSerials(tx);
  return total;
}

/** The committed tokens in file order, FETCHed a chunk at a time; close() drops the staging and frees the connection. */
function replyFrom(open: OpenTransaction, total: number): StreamedList<ImportedRow> {
  const connection = open.tx;
  let closed = false;
  let reading = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      if (reading) await connection.rows('ROLLBACK');
      await connection.rows('DROP TABLE IF EXISTS token_import_rows');
    } finally {
      open.release();
    }
  };
  async function* rows(): AsyncGenerator<ImportedRow> {
    try {
      await connection.rows('BEGIN');
      reading = true;
      await connection.rows('DECLARE token_import_reply NO SCROLL CURSOR FOR SELECT id, serial FROM token_import_rows ORDER BY position');
      for (;;) {
        const batch = await connection.rows<ImportedRow>(`FETCH ${CHUNK} FROM token_import_reply`);
        if (batch.length === 0) break;
        yield* batch;
      }
      await connection.rows('COMMIT');
      reading = false;
    } finally {
      await close();
    }
  }
  return streamedList(total, rows(), close);
}
