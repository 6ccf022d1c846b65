import type { Db } from '../../db';
import type { OtpAlgorithm } from '../../domain/otp';
import { AppError, E } from '../../errors';
import { findProduct, ProductRef } from '../directory/refs';

/**
 * Finding one token the ways a client names it (SPEC: `id`, or `token: {serial}` plus
 * `product` where a serial is ambiguous), with what the OTP services need from its product.
 */
export interface TokenSerialRef { serial: string; product?: ProductRef }
export interface TokenSelector { id?: string; token?: TokenSerialRef }

export interface TokenRow {
  id: string;
  serial: string;
  status: 'ACTIVE' | 'DISABLED' | 'DECEASED';
  productId: string;
  manufacturerCode: string;
  productCode: string;
  productName: string;
  hardware: boolean;
  authWindow: number;
  maxFail: number;
  type: 'HOTP' | 'TOTP';
  algorithm: OtpAlgorithm;
  digits: number;
  period: number;
  /** HOTP next counter: 64-bit, so a bigint */
  counter: bigint;
  drift: number;
  lastStep: number | null;
  confined: boolean;
  failCount: number;
  locked: boolean;
  seedSealed: Buffer;
}

/**
 * The counter comes back as decimal text and becomes a bigint in tokenRowFrom: it may
 * exceed 2^53, where a float8 or Number() would change it. TOTP steps (Unix time / period)
 * stay far below 2^53 and are read as numbers.
 */
export const TOKEN_ROW_COLUMNS = `t.id, t.serial, t.status, t.product_id AS "productId",
  p.manufacturer_code AS "manufacturerCode", p.product_code AS "productCode", p.name AS "productName",
  p.hardware, p.auth_window AS "authWindow", p.max_fail AS "maxFail", p.type, t.algorithm, t.digits, t.period,
  t.counter::text AS counter, t.drift, t.last_step::float8 AS "lastStep", t.confined,
  t.fail_count AS "failCount", t.locked, t.seed_sealed AS "seedSealed"`;

/** A row as TOKEN_ROW_COLUMNS selects it, before tokenRowFrom. */
export type RawTokenRow = Omit<TokenRow, 'counter'> & { counter: string };

/** A row selected with TOKEN_ROW_COLUMNS (plus any extra columns, kept as they are). */
export function tokenRowFrom<T extends { counter: string }>(row: T): Omit<T, 'counter'> & { counter: bigint } {
  return { ...row, counter: BigInt(row.counter) };
}

export interface FindTokenOptions {
  /** SELECT … FOR UPDATE: the caller changes counters, links or the lock and must not race. */
  lock?: boolean;
}

export async function findToken(db: Db, selector: TokenSelector, opts: FindTokenOptions = {}): Promise<TokenRow> {
  if (selector.id) return findTokenById(db, selector.id, opts);
  if (selector.token) return findTokenBySerial(db, selector.token, opts);
  throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/', message: 'name the token by id or token.serial' }] });
}

export async function findTokenById(db: Db, id: string, opts: FindTokenOptions = {}): Promise<TokenRow> {
  const [row] = await db.rows<RawTokenRow>(`SELECT ${TOKEN_ROW_COLUMNS} FROM tokens t JOIN products p ON p.id = t.product_id
      WHERE t.id = $1 ${opts.lock ? 'FOR UPDATE OF t' : ''}`, [id]);
  if (!row) throw AppError.of(E.TOKEN_NOT_FOUND, { id });
  return tokenRowFrom(row);
}

/** A serial is unique per product; without `product` it must name exactly one token. */
export async function findTokenBySerial(db: Db, ref: TokenSerialRef, opts: FindTokenOptions = {}): Promise<TokenRow> {
  const productId = ref.product ? (await findProduct(db, ref.product)).id : null;
  const rows = await db.rows<RawTokenRow>(`SELECT ${TOKEN_ROW_COLUMNS} FROM tokens t JOIN products p ON p.id = t.product_id
      WHERE t.serial = $1 AND ($2::uuid IS NULL OR t.product_id = $2)
      ORDER BY t.id LIMIT 2 ${opts.lock ? 'FOR UPDATE OF t' : ''}`, [ref.serial, productId]);
  if (rows.length === 0) throw AppError.of(E.TOKEN_NOT_FOUND, { serial: ref.serial });
  if (rows.length > 1) {
    throw AppError.of(E.CONFLICT, { serial: ref.serial }, 'Several products have a token with this serial: name the product too');
  }
  return tokenRowFrom(rows[0]);
}

/** What the audit log names a token call by: its id, or the serial the client gave. */
export function tokenAuditTarget(params: { id?: string; token?: { serial?: string } }): string | undefined {
  return params.id ?? params.token?.serial;
}
