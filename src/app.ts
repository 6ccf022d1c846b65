import express, { Express } from 'express';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Database } from './db';
import type { Logger } from 'pino';
import { systemClock, type Clock, type MethodModule, type ServerKeys } from './contract/method';
import type { CallerCache } from './gateway/caller-cache';
import { callerResolver, credentialChecker, CredentialCheck } from './gateway/credentials';
import { exposeError } from './gateway/error-out';
import type { Pipeline } from './gateway/pipeline';
import { legacyNotFoundBody, sendLegacyError } from './gateway/legacy-envelope';
import { methodGateway } from './gateway/method-gateway';
import { createRpcHandler, RpcLimits } from './gateway/rpc-handler';
import { restRouter } from './gateway/rest-route';
import { isRpcRequest, rpcRoute } from './gateway/rpc-route';
import { SCHEMA_DIR } from './gateway/schema-dir';
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

export interface AppDeps {
  dataSource: Database;
  keys: ServerKeys;
  log: Logger;
  methods: readonly MethodModule[];
  /** The audit writer; pass one to flush it at shutdown. */
  audit?: AuditWriter;
  /**
   * From loadConfig(); each setting left out takes its documented default (tests set only
   * what they test). The app reads bodyLimit, trustProxy (express "trust proxy": which hops
   * may set X-Forwarded-For, the client IP rate limits key on), rpcBatchMax and rateLimits;
   * methods get theirs as ctx.config.
   */
  config?: Partial<Config>;
  /** Where methods read the time (OTP time steps); the system clock unless a test brings its own. */
  clock?: Clock;
  /**
   * Remembers callers between calls (SPEC §9). Whoever passes one keeps it told of
   * revocations (services/callers followCallerChanges) and closes that at shutdown.
   * Without one every credential is looked up.
   */
  callerCache?: CallerCache;
  /** Resolves user references, local or in a directory; made here when not given. Whoever passes one closes it. */
  users?: UserResolver;
}

/**
 * The server's one request listener (give it to http.createServer, or call listen), and
 * what transports outside it (src/realtime) need to reach the same pipeline.
 */
export type TokengateApp = ((req: IncomingMessage, res: ServerResponse) => void) & {
  listen(port: number, host: string, ready?: () => void): Server;
  readonly gateway: {
    pipeline: Pipeline; checkCredential: CredentialCheck; log: Logger; rpcLimits: RpcLimits;
    /** The express app behind the listener, whose "trust proxy" reads a socket's client IP. */
    express: Express;
  };
};

/** Every route and the method pipeline, composed once; no listening. */
export function createApp(deps: AppDeps): TokengateApp {
  const { dataSource, keys, log, callerCache } = deps;
  const audit = deps.audit ?? new AuditWriter(dataSource);
  const config: Config = { ...defaultConfig(), ...deps.config };
  const { rateLimits, bodyLimit } = config;
  const users = deps.users ?? new UserResolver(keys.masterKey);
  const { registry, pipeline } = methodGateway(deps.methods, {
    dataSource, keys, log, config: { rateLimits, userTokenMaxTtl: config.userTokenMaxTtl }, clock: deps.clock ?? systemClock,
    users,
    onCallDone: async (record) => {
      // Committed by now: this process's own next call must not meet the old credential (even
      // before the database's notification arrives) nor the domain as it was.
      const module = registry.get(record.method)?.module;
      if (callerCache && module?.revokesCredentials) callerCache.forget('*');
      if (module?.changesDomain && record.outcome === 'ok' && record.target) users.forgetDomain(record.target);
      observeCall(record);
      await audit.write(record);
    },
  });
  const checkCredential = credentialChecker({
    bearer: (key) => apiKeyLookup(dataSource, keys.pepper, key),
    device: (uuid, token) => deviceTokenLookup(dataSource, keys.pepper, uuid, token),
  }, createCredentialGuard(dataSource, {
    perClientIp: rateLimits.authFailuresPerIp, perDevice: rateLimits.authFailuresPerDevice,
  }), callerCache);
  const resolveCaller = callerResolver(checkCredential);
  const rpcLimits: RpcLimits = { batchMax: config.rpcBatchMax };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(assignRequestId);
  app.use(restRouter(pipeline, registry, { bodyLimit, resolveCaller, log }));
  app.use(operationsRouter({ dataSource, registry, schemaDir: SCHEMA_DIR }));
  for (const factory of extraRouters) app.use(factory({ dataSource, keys, log, pipeline, registry, resolveCaller }));
  app.use((_req, res) => res.status(404).json(legacyNotFoundBody('No such route')));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const exposed = exposeError(err, log, { route: 'unhandled route error' }, res.locals.requestId);
    if (!res.headersSent) sendLegacyError(res, exposed);
  });
  // The one entry point. POST /rpc is answered straight from node:http and everything else
  // by express: /rpc carries the verify hot paths, and express's per-request work (router,
  // prototype swaps, ETag) was about a tenth of the server's CPU on them (rpc-route.ts).
  const serveRpc = rpcRoute({ app, handle: createRpcHandler(pipeline, rpcLimits), bodyLimit, resolveCaller });
  const listener = (req: IncomingMessage, res: ServerResponse) => (isRpcRequest(req) ? serveRpc(req, res) : app(req, res));
  return Object.assign(listener, {
    listen: (port: number, host: string, ready?: () => void) => createServer(listener).listen(port, host, ready),
    gateway: { pipeline, checkCredential, log, rpcLimits, express: app },
  });
}
