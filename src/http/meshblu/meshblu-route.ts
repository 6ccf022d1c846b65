import express, { NextFunction, Request, Response, Router } from 'express';
import type { Caller } from '../../contract/method';
import { exposeError } from '../../gateway/error-out';
import { bodyParserError, baseUrlOf, parseJsonBody } from '../../gateway/http-body';
import { requestIdOf } from '../../gateway/request-id';
import type { DeviceView } from '../../services/devices/device-registry';
import type { HttpDeps } from '../types';
import { claimedDeviceUuid, withMeshbluCredentials } from './meshblu-credentials';
import { deviceAttrs, meshbluDevice, meshbluTokenRecord, sendMeshbluError } from './meshblu-shapes';

/** Runs one method through the pipeline as the request's caller (or as `as`, already authenticated). */
type Run = (method: string, params: unknown, as?: Caller) => Promise<any>;

interface MeshbluRoute {
  verb: 'get' | 'post' | 'patch' | 'delete';
  paths: string[];
  status: number;
  /** The method(s) it runs, and what it answers: for /openapi.json. */
  method: string;
  summary: string;
  /** The method call this request is, and the reply's body (none for 204). */
  handle: (req: Request, run: Run) => Promise<unknown>;
}

const device = (req: Request) => String(req.params.uuid);

/**
 * Meshblu's HTTP device API (the routes meshblu-http calls), SPEC §7. Each route is one
 * device method run through the one pipeline, so whitelists, the indistinguishable 404,
 * rate limits, audit and metrics are the methods' own; this file only maps the wire.
 */
export const MESHBLU_ROUTES: readonly MeshbluRoute[] = [
  {
    // Meshblu answers the new device with its token; the registry's reply is {uuid, token},
    // so the device is then read as itself (it may always see itself), its token added back.
    verb: 'post', paths: ['/devices'], status: 201,
    method: '/device/register', summary: 'register: the new device with its token (the device then reads itself back: /device/get)',
    handle: async (req, run) => {
      const { uuid, token } = await run('/device/register', { attrs: deviceAttrs(parseJsonBody(req)) });
      return { ...meshbluDevice(await run('/device/get', { uuid }, { kind: 'device', uuid })), token };
    },
  },
  {
    verb: 'get', paths: ['/v2/whoami'], status: 200,
    method: '/device/whoami', summary: 'whoami: the calling device',
    handle: async (_req, run) => meshbluDevice(await run('/device/whoami', {})),
  },
  {
    verb: 'get', paths: ['/v2/devices/:uuid', '/devices/:uuid'], status: 200,
    method: '/device/get', summary: 'device: the device, if the caller may view it (else 404, as for a missing one)',
    handle: async (req, run) => meshbluDevice(await run('/device/get', { uuid: device(req) }) as DeviceView),
  },
  {
    verb: 'patch', paths: ['/v2/devices/:uuid'], status: 204,
    method: '/device/update', summary: 'update: flat properties, meshblu.whitelists or whitelists; 204',
    handle: async (req, run) => void await run('/device/update', { uuid: device(req), attrs: deviceAttrs(parseJsonBody(req)) }),
  },
  {
    verb: 'delete', paths: ['/devices/:uuid'], status: 200,
    method: '/device/unregister', summary: 'unregister: {uuid}',
    handle: async (req, run) => ({ uuid: (await run('/device/unregister', { uuid: device(req) })).uuid }),
  },
  {
    // meshblu-http's generateAndStoreToken posts `true`; generateAndStoreTokenWithOptions posts {tag, expiresOn}.
    verb: 'post', paths: ['/devices/:uuid/tokens'], status: 201,
    method: '/device/generateAndStoreToken', summary: 'generateAndStoreToken: {uuid, token, createdAt}; with {tag, expiresOn} /device/createSessionToken',
    handle: async (req, run) => {
      const body = parseJsonBody(req);
      const options = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : {};
      if (!Object.keys(options).length) return run('/device/generateAndStoreToken', { uuid: device(req) });
      return run('/device/createSessionToken', { ...options, uuid: device(req) });
    },
  },
  {
    // The token travels in the path because Meshblu's client puts it there; tokengate logs no URL.
    verb: 'delete', paths: ['/devices/:uuid/tokens/:token'], status: 204,
    method: '/device/revokeToken', summary: 'revokeToken: that session token ends; 204',
    handle: async (req, run) => void await run('/device/revokeToken', { uuid: device(req), token: String(req.params.token) }),
  },
  {
    verb: 'delete', paths: ['/devices/:uuid/tokens'], status: 204,
    method: '/device/revokeTokensByQuery', summary: 'revokeTokenByQuery (?tag=): the tagged session tokens end; 204',
    handle: async (req, run) => void await run('/device/revokeTokensByQuery', { ...req.query, uuid: device(req) }),
  },
  {
    verb: 'post', paths: ['/devices/:uuid/token'], status: 201,
    method: '/device/resetToken', summary: 'resetToken: a new root token {uuid, token}; every other token of the device is revoked',
    handle: (req, run) => run('/device/resetToken', { uuid: device(req), revokeSessionTokens: true }),
  },
  {
    // Meshblu searches the caller's own tokens with a Mongo-style query: {"metadata.tag": …}.
    verb: 'post', paths: ['/search/tokens'], status: 200,
    method: '/device/searchTokens', summary: 'searchTokens ({uuid?, "metadata.tag"?}; uuid defaults to the caller): [{uuid, metadata: {createdAt, tag?, expiresOn?}}]',
    handle: async (req, run) => {
      const { uuid, ['metadata.tag']: tag, metadata, ...rest } = (parseJsonBody(req) ?? {}) as Record<string, unknown>;
      const nestedTag = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>).tag : undefined;
      const found = await run('/device/searchTokens', {
        ...rest, uuid: uuid ?? claimedDeviceUuid(req), ...((tag ?? nestedTag) !== undefined ? { tag: tag ?? nestedTag } : {}),
      });
      return found.rows.map(meshbluTokenRecord);
    },
  },
  {
    verb: 'post', paths: ['/authenticate'], status: 200,
    method: '/device/whoami', summary: 'authenticate: {uuid} of the presented credentials, else 401',
    handle: (_req, run) => run('/device/whoami', { return: ['uuid'] }),
  },
];

export function meshbluRouter({ pipeline, resolveCaller, log }: HttpDeps): Router {
  const router = express.Router();
  const body = express.raw({ type: () => true, limit: '1mb' });
  for (const route of MESHBLU_ROUTES) {
    router[route.verb](route.paths, body, async (req: Request, res: Response) => {
      const correlationId = requestIdOf(res);
      withMeshbluCredentials(req); // before any params are read: /search/tokens defaults to the claimed uuid
      const run: Run = (methodName, params, as) => pipeline({
        methodName, params, correlationId, settings: { baseUrl: baseUrlOf(req) },
        authenticate: as ? async () => as : () => resolveCaller(req),
      });
      try {
        const reply = await route.handle(req, run);
        if (route.status === 204) return void res.status(204).end();
        res.status(route.status).json(reply);
      } catch (err) {
        sendMeshbluError(res, exposeError(err, log.child({ correlationId }), { route: `Meshblu ${route.paths[0]}` }, correlationId));
      }
    });
  }
  // Only this router's own routes: a body error elsewhere is another router's to answer.
  router.use(MESHBLU_ROUTES.flatMap((r) => r.paths), (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendMeshbluError(res, bodyParserError(err));
  });
  return router;
}
