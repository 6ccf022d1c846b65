import express, { Express } from 'express';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { MethodModule, ServerKeys } from './contract/method';
import type { CallerCache } from './gateway/caller-cache';
import { callerResolver, credentialChecker, CredentialCheck } from './gateway/credentials';
import { exposeError } from './gateway/error-out';
import { createPipeline, Pipeline } from './gateway/pipeline';
import { retryAfterOf } from './gateway/retry-after';
import { createRegistry } from './gateway/registry';
import { createRpcHandler, RpcLimits } from './gateway/rpc-handler';
import { fastRpcPath } from './gateway/rpc-fast-path';
import { restRouter } from './gateway/rest-route';
import { rpcRouter } from './gateway/rpc-route';
import { createValidator } from './gateway/validation';
import { assignRequestId } from './gateway/request-id';
import { extraRouters } from './http';
import { observeCall } from './http/metrics';
import { operationsRouter } from './http/operations-route';
import { apiKeyLookup } from './services/apikeys/api-keys';
import { AuditWriter } from './services/audit/audit-writer';
import { deviceTokenLookup } from './services/devices/device-auth';
import { createCredentialGuard } from './services/rate-limit';
import { Config, defaultConfig } from './config';
import { UserResolver } from './services/directory/user-resolver';

/** schemas/ at the repository root, from src/ (ts-jest) or dist/src/ (compiled). */
export const SCHEMA_DIR = findUp(__dirname, join('schemas', 'common.json'));

function findUp(from: string, relative: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, dirname(relative));
  }
  throw new Error(`${relative} not found above ${from}`);
}

export interface AppDeps {
  dataSource: DataSource;
  keys: ServerKeys;
  log: Logger;
  methods: readonly MethodModule[];
  /** The audit writer; pass one to flush it at shutdown. */
  audit?: AuditWriter;
  /** From loadConfig(); each one left out takes its documented default (tests set only what they test). */
  bodyLimit?: Config['bodyLimit'];
  rateLimits?: Config['rateLimits'];
  /** express "trust proxy": which hops may set X-Forwarded-For (the client IP rate limits key on). */
  trustProxy?: Config['trustProxy'];
  userTokenMaxTtl?: Config['userTokenMaxTtl'];
  /** Most calls in one JSON-RPC batch (POST /rpc and GET /ws). */
  rpcBatchMax?: Config['rpcBatchMax'];
  /**
   * Remembers callers between calls (SPEC §9). Whoever passes one keeps it told of
   * revocations (services/callers followCallerChanges) and closes that at shutdown.
   * Without one every credential is looked up.
   */
  callerCache?: CallerCache;
  /** Resolves user references, local or in a directory; made here when not given. Whoever passes one closes it. */
  users?: UserResolver;
}

/** The app, and what transports outside express (src/realtime) need to reach the same pipeline. */
export type TokengateApp = Express & {
  readonly gateway: { pipeline: Pipeline; checkCredential: CredentialCheck; log: Logger; rpcLimits: RpcLimits };
};

/** The express app: routes and the method pipeline, no listening. */
export function createApp(deps: AppDeps): TokengateApp {
  const { dataSource, keys, log, callerCache } = deps;
  const audit = deps.audit ?? new AuditWriter(dataSource);
  const defaults = defaultConfig();
  const rateLimits = deps.rateLimits ?? defaults.rateLimits;
  const validator = createValidator(SCHEMA_DIR);
  const registry = createRegistry(deps.methods, (name) => validator.compile(name));
  const pipeline = createPipeline({
    registry, dataSource, keys, log, rateLimits, userTokenMaxTtl: deps.userTokenMaxTtl ?? defaults.userTokenMaxTtl,
    users: deps.users ?? new UserResolver(keys.masterKey),
    onCallDone: async (record) => {
      // Committed by now: this process's own next call must not meet the old credential,
      // even before the database's notification arrives.
      if (callerCache && registry.get(record.method)?.module.revokesCredentials) callerCache.forget('*');
      observeCall(record);
      await audit.write(record);
    },
  });
  const checkCredential = credentialChecker({
    bearer: (key) => apiKeyLookup(dataSource.manager, keys.pepper, key),
    device: (uuid, token) => deviceTokenLookup(dataSource.manager, keys.pepper, uuid, token),
  }, createCredentialGuard(dataSource, {
    perClientIp: rateLimits.authFailuresPerIp, perDevice: rateLimits.authFailuresPerDevice,
  }), callerCache);
  const resolveCaller = callerResolver(checkCredential);
  const bodyLimit = deps.bodyLimit ?? defaults.bodyLimit;
  const rpcLimits: RpcLimits = { batchMax: deps.rpcBatchMax ?? defaults.rpcBatchMax };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? defaults.trustProxy);
  app.use(assignRequestId);
  app.use(rpcRouter(pipeline, { bodyLimit, resolveCaller, rpcLimits }));
  app.use(restRouter(pipeline, registry, { bodyLimit, resolveCaller, log }));
  app.use(operationsRouter({ dataSource, registry, schemaDir: SCHEMA_DIR }));
  for (const factory of extraRouters) app.use(factory({ dataSource, keys, log, pipeline, registry, resolveCaller, audit }));
  app.use((_req, res) => res.status(404).json({ error: 404, name: 'NOT_FOUND', message: 'No such route' }));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const exposed = exposeError(err, log, { route: 'unhandled route error' }, res.locals.requestId);
    if (res.headersSent) return;
    const retryAfter = retryAfterOf(exposed);
    if (retryAfter) res.setHeader('Retry-After', retryAfter);
    res.status(exposed.status).json({ error: exposed.code, name: exposed.errorName, message: exposed.message, data: exposed.data ?? {} });
  });
  // POST /rpc is answered before express routes anything (rpc-fast-path.ts says why).
  // Wrapping handle() rather than listen() covers every server the app is given to.
  const fastRpc = fastRpcPath({ app, handle: createRpcHandler(pipeline, rpcLimits), bodyLimit, resolveCaller });
  // express's app function calls app.handle(), which its typings leave out.
  const routed = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void };
  const routeWithExpress = routed.handle.bind(app);
  routed.handle = (req, res, next) => {
    if (!fastRpc(req, res)) routeWithExpress(req, res, next);
  };
  return Object.assign(app, { gateway: { pipeline, checkCredential, log, rpcLimits } });
}
