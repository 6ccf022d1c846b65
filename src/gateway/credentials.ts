import type { Request } from 'express';
import type { Caller } from '../contract/method';

/** What a request presents; the gateway parses it, the families decide who it is. */
export type Credential =
  | { type: 'bearer'; key: string }
  | { type: 'device'; uuid: string; token: string };

export interface Authenticators {
  bearer: (key: string) => Promise<Caller | null>;
  device: (uuid: string, token: string) => Promise<Caller | null>;
}

export function readCredential(req: Request): Credential | null {
  const header = req.get('authorization') ?? '';
  const [scheme, value] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '') && value) return { type: 'bearer', key: value };
  if (/^basic$/i.test(scheme ?? '') && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { type: 'device', uuid: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
  }
  const uuid = req.get('meshblu_auth_uuid');
  const token = req.get('meshblu_auth_token');
  if (uuid && token) return { type: 'device', uuid, token };
  return null;
}

export function callerResolver(auth: Authenticators) {
  return async (req: Request): Promise<Caller | null> => {
    const credential = readCredential(req);
    if (!credential) return null;
    if (credential.type === 'bearer') return credential.key.length <= 512 ? auth.bearer(credential.key) : null;
    return credential.uuid.length <= 100 && credential.token.length <= 512 ? auth.device(credential.uuid, credential.token) : null;
  };
}
