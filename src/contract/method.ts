import type { Db } from '../db';
import type { Readable } from 'node:stream';
import type { Config } from '../config';
import type { MethodName, ParamsOf } from '../client/generated/params';
import type { UserResolver } from '../services/directory/user-resolver';

/** Who is calling: an API key (maybe bound to an identity) or a device. */
export type Caller =
  | { kind: 'apikey'; id: string; name: string; scopes: readonly string[]; identity: string | null }
  | { kind: 'device'; uuid: string }
  /** Whoever runs the CLI on the server's host with its database credentials: every scope, no identity. */
  | { kind: 'operator'; name: string };

/** A caller by its public id only (`apikey:<id>`, `device:<uuid>`, `operator:<name>`): what logs and the audit log record. */
export function callerLabel(caller: Caller): string;
export function callerLabel(caller: Caller | string | null): string | null;
export function callerLabel(caller: Caller | string | null): string | null {
  if (!caller) return null;
  if (typeof caller === 'string') return caller; // already a label (`radius:<client name>`)
  return caller.kind === 'device' ? `device:${caller.uuid}` : caller.kind === 'operator' ? `operator:${caller.name}` : `apikey:${caller.id}`;
}

/** A caller found by its credential, and until when that credential holds (null: until it is revoked). */
export interface FoundCaller { caller: Caller; expiresAt: Date | null }

/**
 * A presented credential as its family reads it: the key a cache may keep it under (a
 * memoryKey of it, never the secret) and the database lookup.
 */
export interface CallerLookup { cacheKey: string; find: () => Promise<FoundCaller | null> }

export type Scope =
  | 'admin' | 'directory' | 'token:read' | 'token:write' | 'token:credential' | 'auth:verify'
  | 'user:token' | 'device' | 'template' | 'audit:read';

/** Server-wide secrets a method may need; never logged, never returned. */
export interface ServerKeys {
  /** HMAC-SHA-256 key for every high-entropy secret we store (API keys, user/device/share tokens). */
  readonly pepper: Buffer;
  /** AES-256-GCM key for OTP seeds. */
  readonly masterKey: Buffer;
}

/** Where the server reads the time (milliseconds since the epoch): the system clock, or a test's. */
export interface Clock { now(): number }

export const systemClock: Clock = { now: () => Date.now() };

export interface MethodSettings {
  /** Public base URL of this server as the client reached it (for links). */
  readonly baseUrl: string;
}

/** The settings methods read, from loadConfig() (secrets and transport settings stay out). */
export type MethodConfig = Pick<Config, 'rateLimits' | 'userTokenMaxTtl'>;

export interface MethodContext<P = any> {
  readonly params: P;
  readonly caller: Caller;
  /** The transaction of this call (or a plain manager when the method's transaction is 'none' or 'handler'). */
  readonly db: Db;
  readonly keys: ServerKeys;
  readonly settings: MethodSettings;
  /** The operator's settings: limits on failed credential checks (TOKENGATE_RATE_LIMIT_*), the longest user token ttl, … */
  readonly config: MethodConfig;
  /** The time as this server reads it (OTP time steps); the database's now() is the other clock. */
  readonly clock: Clock;
  /** The one way a user reference becomes a user, local or in a directory (services/directory/user-resolver.ts). */
  readonly users: UserResolver;
  /** A streamed request body (a file upload on the legacy route), when there is one. */
  readonly upload?: Upload;
}

/** A file sent as the request body itself (text/csv, application/pskc+xml, application/xml). */
export interface Upload {
  readonly stream: Readable;
  readonly charset?: string;
  /** The Content-Type without parameters, lower case. */
  readonly mediaType?: string;
  /** A request header (lower-case name): secrets a URL must not carry travel there. */
  readonly header?: (name: string) => string | undefined;
}

export interface MethodModule<P = any, R = any> {
  /** Path-style name, e.g. "/token/create"; the schema lives at schemas/<object>/<method>.json. */
  readonly name: string;
  /**
   * Scope an API key needs (admin always passes). 'any-api-key': every API key may call it,
   * for methods that only tell the caller about itself (/apikey/whoami).
   */
  readonly scope: Scope | 'any-api-key';
  /** Devices (Basic uuid:token / meshblu headers) may call it; the handler checks which device. */
  readonly allowDevices?: boolean;
  /**
   * Who holds the transaction. 'call' (default): the gateway runs the handler in one
   * transaction. 'none': no transaction — for pure reads and single statements, which
   * are atomic on their own (saves the BEGIN/COMMIT round trips on hot paths).
   * 'handler': the handler opens its own (`db.transaction(…)`), for a call that must
   * commit work and still answer an error (/relationshipTemplate/loadToken's password attempts).
   */
  readonly transaction?: 'call' | 'none' | 'handler';
  /**
   * The method can end a credential (revoke a key or token, unregister a device). Once it
   * has run, this process forgets its cached callers, so its own next call sees the change
   * at once; other processes hear of it from the database (SPEC §9).
   */
  readonly revokesCredentials?: boolean;
  /**
   * The method changes a domain (its kind, its directory), the one its audit target names.
   * Once it has committed, this process's user resolver forgets what it read of domains:
   * forgotten earlier, a read between that and the commit would keep the old domain.
   */
  readonly changesDomain?: boolean;
  /** Audit target; default: params.id, params.uuid, params.token.serial or result.id. */
  readonly auditTarget?: (params: P, result: R | undefined) => string | undefined;
  /** Other representations of the result on the legacy route, keyed by Accept media type. */
  readonly renderAs?: Readonly<Record<string, (result: R, ctx: { settings: MethodSettings }) => Promise<Buffer>>>;
  readonly handler: (ctx: MethodContext<P>) => Promise<R>;
}

/**
 * A method's params as its handler gets them: the type generated from its schema
 * (src/client/generated/params.ts, `npm run generate:client`), without `return`, which the
 * gateway strips and applies. Distributes over a schema's alternatives (oneOf, if/then/else).
 */
export type HandlerParams<M extends MethodName> = ParamsOf<M> extends infer P ? P extends unknown ? Omit<P, 'return'> : never : never;

/**
 * A method module typed from its contract: `defineMethod<'/token/create'>({ name: '/token/create', … })`.
 * The handler's params are HandlerParams of that name, so a schema change that breaks a
 * handler fails `npm run typecheck`; the name must match the type argument.
 */
export function defineMethod<M extends MethodName, R = any>(m: MethodModule<HandlerParams<M>, R> & { readonly name: M }): MethodModule<HandlerParams<M>, R> {
  return m;
}
