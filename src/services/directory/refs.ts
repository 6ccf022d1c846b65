import type { Db } from '../../db';
import { productColumns } from '../../contract/product-columns';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E } from '../../errors';

/**
 * Resolving the ways a client names a user, product or repository
 * (schemas/common.json: userRef, productRef, repositoryRef). Deleted users and
 * domains are not found: their tombstones only serve "no longer exists" answers.
 */
export interface UserRef { id?: string; domain?: { id?: string; name?: string }; loginName?: string; loginNam?: string }
export interface ProductRef { id?: string; manufacturerCode?: string; productCode?: string }
export interface RepositoryRef { id?: string; name?: string }

export interface UserRow { id: string; domainId: string; domainName: string; loginName: string; status: string }
export interface ProductRow {
  id: string; manufacturerCode: string; productCode: string; name: string; type: 'HOTP' | 'TOTP';
  algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; period: number; hardware: boolean; authWindow: number; maxFail: number;
}

const USER_COLUMNS = `u.id, u.domain_id AS "domainId", d.name AS "domainName", u.login_name AS "loginName", u.status`;

export interface FindUserOptions {
  /**
   * 'share': SELECT … FOR SHARE OF u, for a caller that attaches something to the user
   * (an assignment): a concurrent /user/delete waits for this transaction, or, when it came
   * first, the user is no longer found once it commits.
   */
  lock?: 'share';
}

/** Names are looked up by their key (domain/names/username-key.ts), on the indexed key columns. */
function keyOf(name: string | undefined): string | null {
  return name === undefined ? null : usernameKey(name);
}

/**
 * The local row a reference names, by id or by its name's key. Only the user resolver
 * (user-resolver.ts) calls this with a name: in a directory domain a name is the
 * directory's to answer, so every method resolves references through the resolver.
 */
export async function findUserRow(db: Db, ref: UserRef, opts: FindUserOptions = {}): Promise<UserRow> {
  const loginName = ref.loginName ?? ref.loginNam;
  const lock = opts.lock === 'share' ? 'FOR SHARE OF u' : '';
  const [row] = ref.id
    ? await db.rows(`SELECT ${USER_COLUMNS} FROM users u JOIN domains d ON d.id = u.domain_id
                      WHERE u.id = $1 AND u.deleted_at IS NULL AND d.deleted_at IS NULL ${lock}`, [ref.id])
    : await db.rows(`SELECT ${USER_COLUMNS} FROM users u JOIN domains d ON d.id = u.domain_id
                      WHERE u.login_name_key = $1 AND u.deleted_at IS NULL AND d.deleted_at IS NULL
                        AND (d.id::text = $2 OR d.name_key = $3) ${lock}`,
        [keyOf(loginName), ref.domain?.id ?? '', keyOf(ref.domain?.name)]);
  if (!row) throw AppError.of(E.USER_NOT_FOUND);
  return row;
}

export const PRODUCT_COLUMNS = productColumns('p');

export async function findProduct(db: Db, ref: ProductRef): Promise<ProductRow> {
  const [row] = ref.id
    ? await db.rows(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = $1`, [ref.id])
    : await db.rows(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.manufacturer_code = $1 AND p.product_code = $2`,
        [ref.manufacturerCode, ref.productCode]);
  if (!row) throw AppError.of(E.PRODUCT_NOT_FOUND);
  return row;
}

export async function findRepository(db: Db, ref: RepositoryRef): Promise<{ id: string; name: string }> {
  const [row] = await db.rows(`SELECT id, name FROM repositories WHERE ${ref.id ? 'id = $1' : 'name = $1'}`, [ref.id ?? ref.name]);
  if (!row) throw AppError.of(E.REPOSITORY_NOT_FOUND);
  return row;
}

export interface DomainRef { id?: string; name?: string }

/**
 * A live domain by id and/or name. `forShare` locks its row until the transaction
 * ends, so a concurrent /domain/delete cannot slip between this read and a new user.
 */
export async function findDomain(db: Db, ref: DomainRef, options: { forShare?: boolean } = {}): Promise<{ id: string; name: string }> {
  if (!ref.id && !ref.name) throw AppError.of(E.DOMAIN_NOT_FOUND);
  const [row] = await db.rows(`SELECT id, name FROM domains
      WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id = $1::uuid) AND ($2::text IS NULL OR name_key = $2::text)
      ${options.forShare ? 'FOR SHARE' : ''}`,
    [ref.id ?? null, keyOf(ref.name)]);
  if (!row) throw AppError.of(E.DOMAIN_NOT_FOUND);
  return row;
}
