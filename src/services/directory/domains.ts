import type { Db } from '../../db';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E } from '../../errors';
import type { Resource } from './resource';
import { softDeleteUsers } from './users';

export const DOMAINS: Resource = {
  noun: 'domain',
  table: 'domains',
  from: 'domains t',
  // `directory` never holds the bind password: that is sealed in a column of its own, read by the resolver only
  select: 't.id, t.name, t.description, t.pin_source AS "pinSource", t.directory, t.created_at AS "createdAt"',
  live: 't.deleted_at IS NULL',
  defaultOrder: 't.name, t.id',
  fields: {
    id: { column: 't.id', type: 'uuid' },
    name: { column: 't.name', type: 'text', keyed: { column: 't.name_key', key: usernameKey } },
    description: { column: 't.description', type: 'text' },
    pinSource: { column: 't.pin_source', type: 'text' },
    createdAt: { column: 't.created_at', type: 'time' },
  },
  writable: { name: 'name', description: 'description', pinSource: 'pin_source' },
  keyColumns: { name: 'name_key' },
  unique: { domains_name_key_live: ['name'] },
  notFound: E.DOMAIN_NOT_FOUND,
};

/**
 * Soft delete: the row stays as a tombstone so "no longer exists" differs from
 * "never existed". Marking the domain first takes its row lock, so a concurrent
 * /user/create (which reads the domain FOR SHARE) has either committed, and its
 * user is counted here, or will find the domain gone.
 */
export async function deleteDomain(db: Db, id: string, cascade: boolean) {
  const marked = await db.count('UPDATE domains SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL', [id]);
  if (marked === 0) throw AppError.of(E.DOMAIN_NOT_FOUND);
  const [{ users }] = await db.rows('SELECT count(*)::int AS users FROM users WHERE domain_id = $1 AND deleted_at IS NULL', [id]);
  // Throwing rolls the tombstone back with the rest of the call's transaction.
  if (users > 0 && !cascade) throw AppError.of(E.DOMAIN_NOT_EMPTY, { users }, `The domain still has ${users} user(s); delete them or pass attrs.cascade`);
  const { deleted } = users > 0 ? await softDeleteUsers(db, 'domain_id', id) : { deleted: 0 };
  return { id, deletedUsers: deleted };
}
