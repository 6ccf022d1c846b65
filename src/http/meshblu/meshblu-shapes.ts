import type { Response } from 'express';
import type { AppError } from '../../errors';
import type { DeviceView } from '../../services/devices/device-registry';

/**
 * Meshblu's wire shapes for tokengate's device records. Mapping only: what a device
 * may hold and who may see it is decided by the device methods.
 */

/** A device as Meshblu v2 answers it: flat properties, the registry's own under `meshblu`. */
export function meshbluDevice(device: DeviceView) {
  return {
    uuid: device.uuid,
    // tokengate keeps no presence across processes; a device is never reported online.
    online: false,
    ...(device.name !== null ? { name: device.name } : {}),
    ...(device.type !== null ? { type: device.type } : {}),
    ...(device.owner !== null ? { owner: device.owner } : {}),
    meshblu: { version: '2.0.0', whitelists: device.whitelists, createdAt: device.createdAt, updatedAt: device.updatedAt },
  };
}

/** A session token's metadata as Meshblu's token search answers it; never the token or its hash. */
export function meshbluTokenRecord(row: { uuid: string; tag: string | null; createdAt: Date; expiresOn: Date | null }) {
  return {
    uuid: row.uuid,
    metadata: { createdAt: row.createdAt, ...(row.tag !== null ? { tag: row.tag } : {}), ...(row.expiresOn ? { expiresOn: row.expiresOn } : {}) },
  };
}

/**
 * Meshblu's device properties (flat, `meshblu.whitelists` or `whitelists`) as the
 * attrs of /device/register and /device/update. uuid and token are dropped, as Meshblu
 * drops them on update; anything else stays where it was so the method's schema names
 * it (QUERY_FIELD_NOT_ALLOWED) instead of it vanishing unnoticed.
 */
export function deviceAttrs(body: unknown): unknown {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) return body; // the schema says attrs must be an object
  const { uuid: _uuid, token: _token, meshblu, ...props } = body as Record<string, unknown>;
  if (meshblu === undefined) return props;
  if (typeof meshblu !== 'object' || meshblu === null || Array.isArray(meshblu)) return { ...props, meshblu };
  // version "2.0.0" is what Meshblu v2 clients send to ask for v2 whitelists: the only kind tokengate has.
  const { version, whitelists, ...rest } = meshblu as Record<string, unknown>;
  const unknown = version !== undefined && version !== '2.0.0' ? { ...rest, version } : rest;
  return {
    ...props,
    ...(whitelists !== undefined ? { whitelists } : {}),
    ...(Object.keys(unknown).length ? { meshblu: unknown } : {}),
  };
}

/**
 * A failure as Meshblu answers one: the status, {"error": message} (meshblu-http takes
 * any `error` key for a failure and its value for the message), and the same message
 * in x-meshblu-error, which meshblu-http reads first. `name` is the catalog name.
 */
export function sendMeshbluError(res: Response, err: AppError): void {
  if (res.headersSent) return void res.end();
  const retryAfter = err.data?.retryAfter;
  if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  res.setHeader('x-meshblu-code', String(err.status));
  res.setHeader('x-meshblu-error', JSON.stringify({ message: err.message }));
  res.status(err.status).json({ error: err.message, name: err.errorName, ...(err.data && Object.keys(err.data).length ? { data: err.data } : {}) });
}
