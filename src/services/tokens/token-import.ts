import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';
import { ImportFileError, parseImportFile, type ImportedToken, type ImportFormat } from '../../domain/import';
import { AppError, E } from '../../errors';
import { findProduct, findRepository, PRODUCT_COLUMNS, ProductRef, ProductRow, RepositoryRef } from '../directory/refs';
import { sealSeed } from './token-seeds';

export interface ImportRequest {
  product?: ProductRef;
  repository?: RepositoryRef;
  data: string;
  format?: ImportFormat;
  psk?: string;
  passphrase?: string;
}

export interface ImportResult { total: number; rows: { id: string; serial: string }[] }

/** Rows per INSERT: large enough that 100k tokens are 20 statements, small enough for one bind message. */
const CHUNK = 5000;

/**
 * /token/create, second form (and `tokengate import`): every token of a seed file, or
 * none. The file is parsed and checked entirely before anything is written; then one
 * query finds serials that already exist and the tokens go in with a few multi-row
 * INSERTs over unnest() arrays, never a statement per token.
 */
export async function importTokens(
  db: EntityManager, masterKey: Buffer, request: ImportRequest,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const repositoryId = request.repository ? (await findRepository(db, request.repository)).id : null;
  const parsed = parseOrRefuse(request);
  const productOf = await productChooser(db, request.product);

  const problems: { position: number; serial: string; message: string }[] = [];
  const products = parsed.map((token) => {
    const chosen = productOf(token);
    if (typeof chosen === 'string') problems.push({ position: token.position, serial: token.serial, message: chosen });
    return chosen as ProductRow;
  });
  if (problems.length > 0) throw AppError.of(E.IMPORT_FILE_INVALID, { errors: problems }, summary(problems));

  const productIds = products.map((p) => p.id);
  const serials = parsed.map((t) => t.serial);
  await refuseExistingSerials(db, productIds, serials);

  const ids = parsed.map(() => randomUUID());
  onProgress?.(0, parsed.length);
  for (let start = 0; start < parsed.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, parsed.length);
    const slice = parsed.slice(start, end);
    await insertTokens(db, {
      ids: ids.slice(start, end),
      productIds: productIds.slice(start, end),
      repositoryId,
      tokens: slice,
      seeds: slice.map((token, i) => sealSeed(masterKey, token.secret, ids[start + i])),
    });
    onProgress?.(end, parsed.length);
  }
  return { total: parsed.length, rows: parsed.map((t, i) => ({ id: ids[i], serial: t.serial })) };
}

function parseOrRefuse(request: ImportRequest): ImportedToken[] {
  try {
    return parseImportFile(request.data, { format: request.format, psk: request.psk, passphrase: request.passphrase }).tokens;
  } catch (err) {
    if (err instanceof ImportFileError) throw AppError.of(E.IMPORT_FILE_INVALID, { errors: err.reasons }, err.message);
    throw err;
  }
}

/**
 * Which product each imported token belongs to. A named product takes every token of
 * its own type (HOTP or TOTP) and refuses the others, since a product's window and
 * lock policy are meant for one type. Without a product, a token goes to the product
 * its file names (DualShield XML <manufacturer>/<product>) when that exists, else to the
 * generic OATH/HOTP or OATH/TOTP, so a vendor file mixing both types imports in one call.
 */
async function productChooser(db: EntityManager, ref: ProductRef | undefined): Promise<(t: ImportedToken) => ProductRow | string> {
  if (ref) {
    const product = await findProduct(db, ref);
    return (t) => (t.type === product.type ? product
      : `a ${t.type} token cannot go into ${product.manufacturerCode}/${product.productCode}, a ${product.type} product`);
  }
  const all = await sql<ProductRow>(db, `SELECT ${PRODUCT_COLUMNS} FROM products p`);
  const byCodes = new Map(all.map((p) => [`${p.manufacturerCode}/${p.productCode}`, p]));
  return (t) => {
    const named = byCodes.get(`${t.manufacturer}/${t.model}`);
    if (named && named.type === t.type) return named;
    return byCodes.get(`OATH/${t.type}`) ?? `no product for ${t.type} tokens: name one`;
  };
}

async function refuseExistingSerials(db: EntityManager, productIds: string[], serials: string[]): Promise<void> {
  const existing = await sql<{ serial: string }>(db,
    `SELECT t.serial FROM tokens t JOIN unnest($1::uuid[], $2::text[]) AS f(product_id, serial)
        ON t.product_id = f.product_id AND t.serial = f.serial
      ORDER BY t.serial LIMIT 1000`, [productIds, serials]);
  if (existing.length > 0) throw AppError.of(E.SERIAL_DUPLICATE, { serials: existing.map((r) => r.serial) });
}

async function insertTokens(db: EntityManager, batch: {
  ids: string[]; productIds: string[]; repositoryId: string | null; tokens: ImportedToken[]; seeds: Buffer[];
}): Promise<void> {
  try {
    await db.query(
      `INSERT INTO tokens (id, product_id, repository_id, serial, seed_sealed, algorithm, digits, period, counter)
       SELECT f.id, f.product_id, $3::uuid, f.serial, f.seed, f.algorithm, f.digits, f.period, f.counter
         FROM unnest($1::uuid[], $2::uuid[], $4::text[], $5::bytea[], $6::text[], $7::int[], $8::int[], $9::bigint[])
              AS f(id, product_id, serial, seed, algorithm, digits, period, counter)`,
      [batch.ids, batch.productIds, batch.repositoryId, batch.tokens.map((t) => t.serial), batch.seeds,
        batch.tokens.map((t) => t.algorithm), batch.tokens.map((t) => t.digits),
        batch.tokens.map((t) => (t.type === 'TOTP' ? t.period : 30)),
        // decimal text: node-postgres cannot send a bigint, and a number would round above 2^53
        batch.tokens.map((t) => t.counter.toString())],
    );
  } catch (err) {
    // a concurrent import took one of these serials after our check
    if ((err as { code?: string }).code === '23505') {
      const serial = /=\([^,]+, (.*)\) already exists/.exec((err as { detail?: string }).detail ?? '')?.[1];
      throw AppError.of(E.SERIAL_DUPLICATE, { serials: serial ? [serial] : [] });
    }
    throw err;
  }
}

function summary(problems: { position: number; serial: string; message: string }[]): string {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `entry ${first.position} (serial ${first.serial}): ${first.message}${more}`;
}
