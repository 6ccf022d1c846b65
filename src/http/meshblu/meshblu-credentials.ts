import type { Request } from 'express';
import { canonicalUuid } from '../../services/devices/device-auth';

/**
 * Meshblu's ways of presenting uuid:token that the gateway does not read itself, turned
 * into the ones it does, so the gateway's one credential check (and its limit on failed
 * checks) decides:
 * - "Authorization: Bearer base64(uuid:token)" (meshblu-http's bearerToken option) → Basic;
 *   a Bearer value that does not decode to uuid:token stays a Bearer API key;
 * - X-Meshblu-UUID/X-Meshblu-Token and skynet_auth_uuid/skynet_auth_token → meshblu_auth_*.
 */
export function withMeshbluCredentials(req: Request): Request {
  const [scheme, value] = (req.get('authorization') ?? '').trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '') && value && isDevicePair(Buffer.from(value, 'base64').toString('utf8'))) {
    req.headers.authorization = `Basic ${value}`;
  }
  for (const [uuidHeader, tokenHeader] of [['x-meshblu-uuid', 'x-meshblu-token'], ['skynet_auth_uuid', 'skynet_auth_token']]) {
    const uuid = req.get(uuidHeader);
    const token = req.get(tokenHeader);
    if (uuid && token && !req.get('meshblu_auth_uuid')) {
      req.headers.meshblu_auth_uuid = uuid.trim();
      req.headers.meshblu_auth_token = token.trim();
    }
  }
  return req;
}

/** The device uuid a request claims to be (before anyone checked it), for defaults such as /search/tokens' uuid. */
export function claimedDeviceUuid(req: Request): string | undefined {
  const [scheme, value] = (req.get('authorization') ?? '').trim().split(/\s+/, 2);
  if (/^basic$/i.test(scheme ?? '') && value) {
    const pair = Buffer.from(value, 'base64').toString('utf8');
    return pair.slice(0, Math.max(0, pair.indexOf(':'))) || undefined;
  }
  return req.get('meshblu_auth_uuid') ?? undefined;
}

function isDevicePair(decoded: string): boolean {
  const colon = decoded.indexOf(':');
  return colon > 0 && canonicalUuid(decoded.slice(0, colon)) !== null && colon < decoded.length - 1;
}
