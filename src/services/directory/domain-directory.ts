import { randomUUID } from 'node:crypto';
import { FilterParser } from 'ldapts';
import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { DirectoryAttrs, PinSource, sealBindPassword, unsealBindPassword, withDefaults } from './ldap/directory-settings';
import { testDirectory, DirectoryTest } from './ldap/directory-source';
import { DOMAINS } from './domains';
import { createRecord, setRecord } from './resource';

export interface DomainAttrs { name?: string; description?: string | null; pinSource?: PinSource; directory?: DirectoryAttrs | null }

/** /domain/create: the directory's settings stored with their defaults, the bind password sealed to the new domain's id. */
export async function createDomain(db: Db, masterKey: Buffer, attrs: DomainAttrs & { name: string }) {
  checkDirectory(attrs);
  // (set checks the stored result instead: there the directory may be the one already stored)
  if (attrs.pinSource === 'directory' && !attrs.directory) throw pinSourceNeedsDirectory();
  const id = randomUUID();
  const extra: Record<string, unknown> = { id };
  if (attrs.directory) Object.assign(extra, directoryColumns(masterKey, id, attrs.directory));
  return createRecord(db, DOMAINS, attrs, extra);
}

/** /domain/set: `directory` replaced whole (null: a local domain again); a bind password left out stays as stored. */
export async function setDomain(db: Db, masterKey: Buffer, id: string, attrs: DomainAttrs) {
  checkDirectory(attrs);
  const extra: Record<string, unknown> = {};
  if (attrs.directory === null) Object.assign(extra, { directory: null, directory_bind_password: null });
  else if (attrs.directory) {
    const { directory, directory_bind_password: sealed } = directoryColumns(masterKey, id, attrs.directory);
    Object.assign(extra, sealed === null ? { directory } : { directory, directory_bind_password: sealed });
  }
  const domain = await setRecord(db, DOMAINS, id, attrs, extra);
  if (domain.pinSource === 'directory' && !domain.directory) throw pinSourceNeedsDirectory();
  return domain;
}

/** /domain/testDirectory. */
export async function testDomainDirectory(db: Db, masterKey: Buffer, id: string): Promise<DirectoryTest> {
  const [row] = await db.rows(`SELECT directory, directory_bind_password AS "bindPassword" FROM domains WHERE id = $1 AND deleted_at IS NULL`, [id]);
  if (!row) throw AppError.of(E.DOMAIN_NOT_FOUND);
  if (!row.directory) return { ok: false, reason: 'NO_DIRECTORY' };
  return testDirectory({ ...row.directory, bindPassword: unsealBindPassword(masterKey, id, row.bindPassword) });
}

function directoryColumns(masterKey: Buffer, domainId: string, directory: DirectoryAttrs) {
  return {
    directory: JSON.stringify(withDefaults(directory)),
    directory_bind_password: directory.bindPassword === undefined ? null : sealBindPassword(masterKey, domainId, directory.bindPassword),
  };
}

function checkDirectory(attrs: DomainAttrs): void {
  if (attrs.pinSource === 'directory' && attrs.directory === null) throw pinSourceNeedsDirectory();
  const filter = attrs.directory?.userFilter;
  if (filter === undefined) return;
  try {
    FilterParser.parseString(filter);
  } catch {
    throw invalid('/attrs/directory/userFilter', 'must be an LDAP filter (RFC 4515)');
  }
}

function pinSourceNeedsDirectory(): AppError {
  return invalid('/attrs/pinSource', 'pinSource "directory" needs a directory');
}

function invalid(path: string, message: string): AppError {
  return AppError.of(E.INVALID_PARAMS, { errors: [{ path, message }] }, message);
}
