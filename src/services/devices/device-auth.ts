import type { EntityManager } from 'typeorm';
import type { Caller } from '../../contract/method';

/** A device presenting uuid + token (root or session token). Filled in by the device issue. */
export async function findCallerByDeviceToken(_db: EntityManager, _pepper: Buffer, _uuid: string, _token: string): Promise<Caller | null> {
  return null;
}
