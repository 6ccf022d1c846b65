import { seal, unseal } from '../../../domain/crypto/seal';

/** A domain's directory as stored (domains.directory, jsonb) and as /domain/get shows it: never the bind password. */
export interface DirectorySettings {
  url: string;
  bindDn: string;
  baseDn: string;
  loginAttribute: string;
  userFilter: string;
  idAttribute: string;
  attributes: { firstName?: string; lastName?: string; email?: string; mobile?: string };
  startTls: boolean;
  caCertificate?: string;
  timeoutMs: number;
  cacheSeconds: number;
}

/** As a client sends it (/domain/create, /domain/set): the defaults left out, the password in the clear. */
export type DirectoryAttrs = Partial<DirectorySettings> & Pick<DirectorySettings, 'url' | 'bindDn' | 'baseDn' | 'loginAttribute'> & { bindPassword?: string };

export type PinSource = 'token' | 'directory' | 'none';

/** SPEC §11's defaults. */
export function withDefaults(attrs: DirectoryAttrs): DirectorySettings {
  const { bindPassword: _secret, ...rest } = attrs;
  return {
    userFilter: '(objectClass=person)', idAttribute: 'entryUUID', attributes: {}, startTls: false, timeoutMs: 5000, cacheSeconds: 300,
    ...rest,
  };
}


/** A domain's bind password sealed for storage, its context the domain's id: a sealed value copied onto another domain does not open. */
export function sealBindPassword(masterKey: Buffer, domainId: string, password: string): Buffer {
  return seal(masterKey, Buffer.from(password, 'utf8'), bindPasswordContext(domainId));
}

/** The stored bind password in the clear ('' when none is stored). */
export function unsealBindPassword(masterKey: Buffer, domainId: string, sealed: Buffer | null): string {
  return sealed ? unseal(masterKey, sealed, bindPasswordContext(domainId)).toString('utf8') : '';
}

function bindPasswordContext(domainId: string): string {
  return `domain-directory:${domainId}`;
}
