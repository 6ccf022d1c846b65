import type { Db } from '../../db';
import { FieldMap, SearchParams, searchPage } from '../query/search-query';

const FIELDS: FieldMap = {
  uuid: { column: 'd.uuid', type: 'uuid' },
  name: { column: 'd.name', type: 'text' },
  type: { column: 'd.type', type: 'text' },
  owner: { column: 'd.owner', type: 'text' },
  createdAt: { column: 'd.created_at', type: 'time' },
  updatedAt: { column: 'd.updated_at', type: 'time' },
};

/**
 * Registered devices for an operator (API key with scope device): metadata only, never a
 * token hash. Unregistered devices are tombstones and are not listed.
 */
export function searchDevices(db: Db, params: SearchParams) {
  return searchPage(db, {
    select: `d.uuid, d.name, d.type, d.owner, d.created_at AS "createdAt", d.updated_at AS "updatedAt",
             (SELECT count(*)::int FROM device_tokens t WHERE t.uuid = d.uuid AND (t.expires_on IS NULL OR t.expires_on > now())) AS "sessionTokens"`,
    from: 'devices d', fields: FIELDS, defaultOrder: 'd.created_at, d.uuid',
    filter: { sql: 'd.unregistered_at IS NULL', params: [] },
  }, params);
}
