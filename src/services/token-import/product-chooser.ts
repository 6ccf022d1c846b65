import { type Db, sql } from '../../db';
import type { ImportedToken } from '../../domain/import';
import { findProduct, PRODUCT_COLUMNS, ProductRef, ProductRow } from '../directory/refs';

/** A token's product, or why it has none (a bad entry). */
export type ProductChooser = (token: ImportedToken) => ProductRow | string;

/**
 * Which product each imported token belongs to. A named product takes every token of
 * its own type (HOTP or TOTP) and refuses the others, since a product's window and
 * lock policy are meant for one type. Without a product, a token goes to the product
 * its file names (DualShield XML <manufacturer>/<product>) when that exists, else to the
 * generic OATH/HOTP or OATH/TOTP, so a vendor file mixing both types imports in one call.
 */
export async function productChooser(db: Db, ref: ProductRef | undefined): Promise<ProductChooser> {
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
