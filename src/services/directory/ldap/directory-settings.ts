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


/** The seal context of a domain's bind password: a sealed value copied onto another domain does not open. */
export function bindPasswordContext(domainId: string): string {
  return `domain-directory:${domainId}`;
}
