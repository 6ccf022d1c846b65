import type { Db } from '../../db';
import { productColumns } from '../../contract/product-columns';
import { AppError, E } from '../../errors';
import { createRecord, Resource, setRecord } from './resource';

export const PRODUCTS: Resource = {
  noun: 'product',
  table: 'products',
  from: 'products t',
  select: productColumns('t'),
  live: 'TRUE',
  defaultOrder: 't.manufacturer_code, t.product_code',
  fields: {
    id: { column: 't.id', type: 'uuid' },
    manufacturerCode: { column: 't.manufacturer_code', type: 'text' },
    productCode: { column: 't.product_code', type: 'text' },
    name: { column: 't.name', type: 'text' },
    type: { column: 't.type', type: 'text' },
    algorithm: { column: 't.algorithm', type: 'text' },
    digits: { column: 't.digits', type: 'int' },
    period: { column: 't.period', type: 'int' },
    hardware: { column: 't.hardware', type: 'bool' },
    authWindow: { column: 't.auth_window', type: 'int' },
    maxFail: { column: 't.max_fail', type: 'int' },
  },
  writable: {
    manufacturerCode: 'manufacturer_code', productCode: 'product_code', name: 'name', type: 'type', algorithm: 'algorithm',
    digits: 'digits', period: 'period', hardware: 'hardware', authWindow: 'auth_window', maxFail: 'max_fail',
  },
  unique: { products_manufacturer_code_product_code_key: ['manufacturerCode', 'productCode'] },
  notFound: E.PRODUCT_NOT_FOUND,
};

export interface ProductAttrs {
  manufacturerCode?: string; productCode?: string; name?: string; type?: 'HOTP' | 'TOTP';
  algorithm?: string; digits?: number; period?: number; hardware?: boolean; authWindow?: number; maxFail?: number;
}

/**
 * What existing tokens take from their product rather than from their own row (which
 * keeps algorithm, digits and period): changing the type would break their OTPs, and
 * making a hardware product software would make imported seeds downloadable.
 */
const FIXED_WHILE_USED = ['type', 'hardware'] as const;

/** The look-ahead default follows the type: 10 counter values for HOTP, ±1 step (30 s) for TOTP. */
export function createProduct(db: Db, attrs: ProductAttrs & { type: 'HOTP' | 'TOTP' }) {
  return createRecord(db, PRODUCTS, { ...attrs, authWindow: attrs.authWindow ?? (attrs.type === 'TOTP' ? 1 : 10) });
}

export async function setProduct(db: Db, id: string, attrs: ProductAttrs) {
  if (FIXED_WHILE_USED.some((field) => attrs[field] !== undefined)) {
    // FOR UPDATE keeps a token from being created under the old type while we change it.
    const [row] = await db.rows(`SELECT p.type, p.hardware, (SELECT count(*)::int FROM tokens WHERE product_id = p.id) AS tokens
         FROM products p WHERE p.id = $1 FOR UPDATE`, [id]);
    if (!row) throw AppError.of(E.PRODUCT_NOT_FOUND);
    const changed = FIXED_WHILE_USED.filter((field) => attrs[field] !== undefined && attrs[field] !== row[field]);
    if (changed.length > 0 && row.tokens > 0) {
      throw AppError.of(E.CONFLICT, { reason: 'IN_USE', tokens: row.tokens, fields: changed },
        `${changed.join(' and ')} cannot change while ${row.tokens} token(s) use the product`);
    }
  }
  return setRecord(db, PRODUCTS, id, attrs);
}
