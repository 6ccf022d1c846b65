import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Db } from '../../db';
import { seal, unseal } from '../../domain/crypto/seal';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E } from '../../errors';
import { createRecord, Resource, setRecord } from '../directory/resource';

export type RadiusTransport = 'udp' | 'radsec' | 'any';

export interface RadiusClientAttrs {
  name: string; address: string; secret: string; domain?: string | null;
  requireMessageAuthenticator?: boolean; transport?: RadiusTransport; description?: string | null;
}

/** The secret is never in the select list: no read method can return it. */
export const RADIUS_CLIENTS: Resource = {
  noun: 'radiusClient',
  table: 'radius_clients',
  from: 'radius_clients t',
  select: `t.id, t.name, abbrev(t.address) AS address, t.domain, t.require_message_authenticator AS "requireMessageAuthenticator",
    t.transport, t.description, t.created_at AS "createdAt"`,
  live: 'TRUE',
  defaultOrder: 't.name',
  fields: {
    id: { column: 't.id', type: 'uuid' },
    name: { column: 't.name', type: 'text' },
    address: { column: 'abbrev(t.address)', type: 'text' },
    domain: { column: 't.domain', type: 'text' },
    requireMessageAuthenticator: { column: 't.require_message_authenticator', type: 'bool' },
    transport: { column: 't.transport', type: 'text' },
    description: { column: 't.description', type: 'text' },
    createdAt: { column: 't.created_at', type: 'time' },
  },
  writable: {
    name: 'name', address: 'address', domain: 'domain', requireMessageAuthenticator: 'require_message_authenticator',
    transport: 'transport', description: 'description',
  },
  unique: { radius_clients_name_key: ['name'], radius_clients_address_key: ['address'] },
  notFound: E.RADIUS_CLIENT_NOT_FOUND,
};

export async function createRadiusClient(db: Db, masterKey: Buffer, attrs: RadiusClientAttrs) {
  checkAddress(attrs.address);
  if (attrs.domain) await checkDomain(db, attrs.domain);
  const id = randomUUID();
  // sealed with its row id as context (as seeds are): a sealed secret copied onto another client does not open
  return createRecord(db, RADIUS_CLIENTS, attrs, { id, secret_sealed: sealSecret(masterKey, attrs.secret, id) });
}

const sealSecret = (masterKey: Buffer, secret: string, id: string) => seal(masterKey, Buffer.from(secret, 'utf8'), id);

export async function setRadiusClient(db: Db, masterKey: Buffer, id: string, attrs: Partial<RadiusClientAttrs>) {
  if (attrs.address !== undefined) checkAddress(attrs.address);
  if (attrs.domain) await checkDomain(db, attrs.domain);
  return setRecord(db, RADIUS_CLIENTS, id, attrs, attrs.secret === undefined ? {} : { secret_sealed: sealSecret(masterKey, attrs.secret, id) });
}

export async function deleteRadiusClient(db: Db, id: string) {
  const rows = await db.rows('DELETE FROM radius_clients WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw AppError.of(E.RADIUS_CLIENT_NOT_FOUND);
  return { id };
}

/** A client as the listener needs it: the secret opened. */
export interface RadiusClientRow {
  id: string; name: string; address: string; secret: string; domain: string | null;
  requireMessageAuthenticator: boolean; transport: RadiusTransport;
}

/** Every client, secrets opened (the listener's table; a handful of rows, read every few seconds). */
export async function loadRadiusClients(db: Db, masterKey: Buffer): Promise<RadiusClientRow[]> {
  const rows = await db.rows<Omit<RadiusClientRow, 'secret'> & { secretSealed: Buffer }>(`
    SELECT id, name, abbrev(address) AS address, secret_sealed AS "secretSealed", domain,
           require_message_authenticator AS "requireMessageAuthenticator", transport FROM radius_clients`);
  return rows.map(({ secretSealed, ...r }) => ({ ...r, secret: unseal(masterKey, secretSealed, r.id).toString('utf8') }));
}

/** An IP (v4 or v6) or a CIDR network with a prefix length that fits it. */
function checkAddress(address: string): void {
  const [ip, prefix, extra] = address.split('/');
  const family = isIP(ip);
  const ok = family !== 0 && extra === undefined
    && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && +prefix <= (family === 4 ? 32 : 128)));
  if (!ok) {
    const message = 'address must be an IP address or a CIDR network (e.g. 192.0.2.10, 10.0.0.0/8, 2001:db8::/32)';
    throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/attrs/address', message }] }, message);
  }
}

async function checkDomain(db: Db, name: string): Promise<void> {
  const rows = await db.rows('SELECT 1 FROM domains WHERE name_key = $1 AND deleted_at IS NULL', [usernameKey(name)]);
  if (rows.length === 0) throw AppError.of(E.DOMAIN_NOT_FOUND, { domain: name });
}
