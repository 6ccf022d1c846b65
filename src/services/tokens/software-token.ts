import { randomInt, randomUUID } from 'node:crypto';
import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { findProduct, ProductRef, UserRef } from '../directory/refs';
import type { UserResolver } from '../directory/user-resolver';
import { assignToken } from './assignments';
import { generateSeed, sealSeed } from './token-seeds';

export interface NewSoftwareToken {
  product: ProductRef;
  user: UserRef;
  pin?: string;
  description?: string | null;
}

/**
 * /token/create, first form: a software token for a user. The seed is generated here and
 * only ever leaves through a single-use download link; the serial is the product code and
 * ten random digits (as DualShield's "MT…" serials), drawn again on the rare collision.
 */
export async function createSoftwareToken(db: Db, users: UserResolver, masterKey: Buffer, attrs: NewSoftwareToken): Promise<{ id: string; serial: string }> {
  const product = await findProduct(db, attrs.product);
  if (product.hardware) {
    throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/attrs/product', message: 'a hardware product: import its tokens with attrs.data' }] },
      `${product.manufacturerCode}/${product.productCode} is a hardware product: its tokens are imported, not generated`);
  }
  const user = await users.find(db, attrs.user, { lock: 'share' });
  const id = randomUUID();
  const seedSealed = sealSeed(masterKey, generateSeed(product.algorithm), id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const serial = `${product.productCode}${String(randomInt(1e9)).padStart(9, '0')}${randomInt(10)}`;
    const [row] = await db.rows(`INSERT INTO tokens (id, product_id, serial, description, seed_sealed, algorithm, digits, period)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (product_id, serial) DO NOTHING RETURNING id`,
      [id, product.id, serial, attrs.description ?? null, seedSealed, product.algorithm, product.digits, product.period]);
    if (row) {
      await assignToken(db, { tokenId: id, userId: user.id, pin: attrs.pin });
      return { id, serial };
    }
  }
  throw AppError.of(E.CONFLICT, {}, 'could not draw a free serial number');
}
