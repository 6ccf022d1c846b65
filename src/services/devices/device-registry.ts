import { randomUUID } from 'node:crypto';
import type { Db } from '../../db';
import type { Caller } from '../../contract/method';
import { generateSecret } from '../../domain/crypto/secrets';
import { AppError, E } from '../../errors';
import { accessibleDevice, accessorOf, DeviceRight } from './device-access';
import { canonicalUuid, deviceTokenHash } from './device-auth';
import { defaultWhitelists, mergeWhitelists, Whitelists, WhitelistsPatch } from './whitelists';

export interface DeviceAttrs {
  name?: string | null;
  type?: string | null;
  owner?: string | null;
  whitelists?: WhitelistsPatch;
}

export interface DeviceView {
  uuid: string; name: string | null; type: string | null; owner: string | null;
  whitelists: Whitelists; createdAt: Date; updatedAt: Date;
}

const VIEW_COLUMNS = `d.uuid, d.name, d.type, d.owner, d.whitelists,
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/** Devices are tokens too: the root token is made here, shown once, kept as its keyed hash. */
export async function registerDevice(db: Db, pepper: Buffer, caller: Caller, attrs: DeviceAttrs) {
  const uuid = randomUUID();
  const token = generateSecret('tgd');
  // A device registering another owns it unless it names an owner (Meshblu's habit).
  const owner = attrs.owner !== undefined ? canonicalOwner(attrs.owner) : caller.kind === 'device' ? caller.uuid : null;
  const whitelists = mergeWhitelists(defaultWhitelists(owner), attrs.whitelists);
  await db.rows(`INSERT INTO devices (uuid, name, type, owner, whitelists, root_token_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
    [uuid, attrs.name ?? null, attrs.type ?? null, owner, whitelists, deviceTokenHash(pepper, uuid, token)],
  );
  return { uuid, token };
}

/** The device if the caller may exercise `right` on it; otherwise, whatever the reason, DEVICE_NOT_FOUND. */
export async function loadDevice(db: Db, caller: Caller, uuid: string, right: DeviceRight, lock = false): Promise<DeviceView> {
  const [row] = await db.rows<DeviceView>(`SELECT ${VIEW_COLUMNS} FROM devices d WHERE ${accessibleDevice(right, 2)}${lock ? ' FOR UPDATE' : ''}`,
    [canonicalUuid(uuid), accessorOf(caller)],
  );
  if (!row) throw AppError.of(E.DEVICE_NOT_FOUND);
  return row;
}

/** The calling device itself; an API key is no device. */
export function loadCallerDevice(db: Db, caller: Caller): Promise<DeviceView> {
  if (caller.kind !== 'device') {
    throw AppError.of(E.FORBIDDEN, { reason: 'NOT_A_DEVICE' }, 'Only a device credential (uuid:token) has a device to answer');
  }
  return loadDevice(db, caller, caller.uuid, 'view');
}

/** name/type/owner given (null clears) replace; whitelists merge list by list. */
export async function updateDevice(db: Db, caller: Caller, uuid: string, attrs: DeviceAttrs): Promise<DeviceView> {
  const current = await loadDevice(db, caller, uuid, 'update', true);
  const next = {
    name: attrs.name !== undefined ? attrs.name : current.name,
    type: attrs.type !== undefined ? attrs.type : current.type,
    owner: attrs.owner !== undefined ? canonicalOwner(attrs.owner) : current.owner,
    whitelists: mergeWhitelists(current.whitelists, attrs.whitelists),
  };
  const [row] = await db.rows<DeviceView>(`UPDATE devices d SET name = $2, type = $3, owner = $4, whitelists = $5, updated_at = now()
      WHERE d.uuid = $1 RETURNING ${VIEW_COLUMNS}`,
    [current.uuid, next.name, next.type, next.owner, next.whitelists],
  );
  return row;
}

/**
 * A tombstone stays (unregistered_at), the root token hash goes and every session
 * token is deleted, so no credential of the device works from this commit on.
 */
export async function unregisterDevice(db: Db, caller: Caller, uuid: string) {
  const [row] = await db.rows<{ uuid: string; unregisteredAt: Date }>(`UPDATE devices d SET unregistered_at = now(), root_token_hash = NULL, updated_at = now()
      WHERE ${accessibleDevice('update', 2)} RETURNING d.uuid, d.unregistered_at AS "unregisteredAt"`,
    [canonicalUuid(uuid), accessorOf(caller)],
  );
  if (!row) throw AppError.of(E.DEVICE_NOT_FOUND);
  await db.rows('DELETE FROM device_tokens WHERE uuid = $1', [row.uuid]);
  return row;
}

function canonicalOwner(uuid: string | null): string | null {
  return uuid === null ? null : canonicalUuid(uuid);
}
