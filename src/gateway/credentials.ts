import type { Caller, CallerLookup } from '../contract/method';
import type { CredentialGuard } from '../contract/credential-guard';
import type { CallerCache } from './caller-cache';

/** What a request presents; the gateway parses it, the families decide who it is. */
export type Credential =
  | { type: 'bearer'; key: string }
  | { type: 'device'; uuid: string; token: string };

/** How each family reads a credential; null when it cannot be one of theirs. */
export interface Authenticators {
  bearer: (key: string) => CallerLookup | null;
  device: (uuid: string, token: string) => CallerLookup | null;
}

/**
 * What a credential is read from: a request's headers (`get`, as express reads them) and its
 * client IP under the app's "trust proxy" (failed checks are limited per IP). An express
 * request is one; POST /rpc makes a lighter one (rpc-route.ts).
 */
export interface CredentialSource {
  get(name: string): string | undefined;
  readonly ip?: string;
}

export function readCredential(req: CredentialSource): Credential | null {
  const header = req.get('authorization') ?? '';
  const [scheme, value] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '') && value) return { type: 'bearer', key: value };
  if (/^basic$/i.test(scheme ?? '') && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { type: 'device', uuid: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
  }
  // The enmeshed Connector's header; any route takes it, as any route takes Authorization.
  const apiKey = req.get('x-api-key');
  if (apiKey) return { type: 'bearer', key: apiKey };
  const uuid = req.get('meshblu_auth_uuid');
  const token = req.get('meshblu_auth_token');
  if (uuid && token) return { type: 'device', uuid, token };
  return null;
}


/** Who presents `credential`; null when unknown or revoked. Failed checks are limited per client IP and device. */
export type CredentialCheck = (credential: Credential, clientIp: string) => Promise<Caller | null>;

/**
 * With a cache, a credential seen valid is served from memory (CallerCache says how
 * long); the guard runs first either way, so a limited source is refused even with a
 * cached credential, and only failures — always looked up — count against it.
 */
export function credentialChecker(auth: Authenticators, guard?: CredentialGuard, cache?: CallerCache): CredentialCheck {
  const lookupOf = (credential: Credential): CallerLookup | null => {
    if (credential.type === 'bearer') return credential.key.length <= 512 ? auth.bearer(credential.key) : null;
    return credential.uuid.length <= 100 && credential.token.length <= 512 ? auth.device(credential.uuid, credential.token) : null;
  };
  const find = async (lookup: CallerLookup): Promise<Caller | null> => (await lookup.find())?.caller ?? null;
  return async (credential, clientIp) => {
    const source = { clientIp, deviceUuid: credential.type === 'device' ? credential.uuid.slice(0, 100) : undefined };
    guard?.beforeCheck(source);
    const lookup = lookupOf(credential);
    const caller = !lookup ? null : cache ? await cache.resolve(lookup.cacheKey, lookup.find) : await find(lookup);
    if (!caller) await guard?.afterFailure(source);
    return caller;
  };
}

/** The HTTP routes' check: the request's Authorization or meshblu headers. */
export function callerResolver(check: CredentialCheck) {
  return async (req: CredentialSource): Promise<Caller | null> => {
    const credential = readCredential(req);
    return credential ? check(credential, req.ip ?? 'unknown') : null;
  };
}
