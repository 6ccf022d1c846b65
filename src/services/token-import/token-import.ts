import { randomUUID } from 'node:crypto';
import { streamedList, type StreamedList } from '../../contract/streamed-list';
import { ImportFileError, SkippedKeys, type ImportKeys } from '../../domain/import';
import type { Db } from '../../db';
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
 * then the whole file is checked with a few set-based statements, the reply's rows are
 * kept in token_import_replies under this import's id, and it commits. The reply is
 * read from there a page at a time while the caller writes it (StreamedList), each page
 * one statement on any pooled connection: behind PgBouncer in transaction mode nothing
 * may rely on a later transaction meeting this one's server connection. An error
 * anywhere before the commit rolls everything back, the tokens and the staging.
 */
export async function importTokenFile(db: Db, masterKey: Buffer, request: ImportRequest): Promise<StreamedList<ImportedRow>> {
  const importId = randomUUID();
  let total: number;
  try {
    // Its own transaction, whatever the call holds: the reply is read after it commits.
    total = await db.database.transaction(async (tx) => {
      const written = await importInTransaction(tx, masterKey, request);
      await tx.rows(KEEP_REPLY, [importId]);
      return written;
    });
  } catch (err) {
    if (err instanceof ImportFileError) throw AppError.of(E.IMPORT_FILE_INVALID, { errors: err.reasons }, err.message);
    throw err;
  }
  return replyOf(db.database, importId, total);
}

/** Every staged entry is a written token by now (a bad one refused the file): the reply is all of them. */
const KEEP_REPLY = `
  INSERT INTO token_import_replies (import_id, position, id, serial)
  SELECT $1, position, id, serial FROM token_import_rows`;

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

/**
 * The committed tokens in file order, a page at a time by position (keyset: each page
 * one indexed range scan); close() deletes the kept reply, read or not. A reply left
 * behind by a process that died while writing it goes with the expired-rows purge.
 */
function replyOf(db: Db, importId: string, total: number): StreamedList<ImportedRow> {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await db.rows('DELETE FROM token_import_replies WHERE import_id = $1', [importId]);
  };
  async function* rows(): AsyncGenerator<ImportedRow> {
    try {
      for (let after = -1; ;) {
        const page = await db.rows<ImportedRow & { position: number }>(`
          SELECT position, id, serial FROM token_import_replies
           WHERE import_id = $1 AND position > $2 ORDER BY position LIMIT ${CHUNK}`, [importId, after]);
        for (const { id, serial } of page) yield { id, serial };
        if (page.length < CHUNK) break;
        after = page[page.length - 1].position;
      }
    } finally {
      await close();
    }
  }
  return streamedList(total, rows(), close);
}
