import type { TokengateError } from './errors';
import type { MethodName, ParamsOf } from './generated/params';

/** A result record. Its shape depends on the method and on `return`, so it is left open. */
export type JsonRecord = { [key: string]: any };

/** Results the contract fixes (methods without `return`); every other method answers a JsonRecord. */
export interface KnownResults {
  '/apikey/whoami': { id: string; name: string; scopes: string[]; identity: string | null };
  '/auth/verify': { verified: true; serial: string };
  '/device/createSessionToken': { uuid: string; token: string; createdAt: string; tag: string | null; expiresOn: string | null };
  '/device/generateAndStoreToken': { uuid: string; token: string; createdAt: string };
  '/device/revokeToken': { revoked: number };
  '/device/revokeTokensByQuery': { revoked: number };
  '/device/verifyToken': { valid: boolean };
  '/identity/create': { address: string };
  '/token/batchAssignTokens': BatchAssignResult;
  '/token/getDownloadUrl': { url: string; expiresAt: string };
  '/token/retrieveCredential': { otps: string[] };
  '/user/createToken': { token: string };
  '/user/revokeToken': { revoked: number };
  '/user/revokeTokens': { revoked: number };
  '/user/verifyToken': UserTokenIntrospection;
}

/**
 * A device's uuid and root token: what devices.register() answers (it sends no `return`)
 * and what createClient({device}) takes, so one can be handed to the other.
 */
export interface DeviceCredentials { uuid: string; token: string }

export interface BatchAssignResult {
  total: number;
  assigned: number;
  failed: number;
  errors: { line: number; serial: string | null; name: string; message: string }[];
}

export type UserTokenIntrospection =
  | { active: true; userId: string; ecosystemId: string; expiryType: 'Infinite' | 'FixedTtl' | 'SlidingTtl'; expiresAt: string | null }
  | { active: false };

export type ResultOf<M extends MethodName> = M extends keyof KnownResults ? KnownResults[M] : JsonRecord;

/** The params argument: optional when the method has no required parameter. */
export type ArgsOf<M extends MethodName> = {} extends ParamsOf<M> ? [params?: ParamsOf<M>] : [params: ParamsOf<M>];

/** One call of a batch, made by the builder `tg.batch` hands you; R is its result type. */
export interface BatchCall<R = unknown> {
  readonly method: MethodName;
  readonly params: unknown;
  /** Type only: never set. */
  readonly resultType?: R;
}

/** What a method function answers: a promise on the client, a BatchCall in a batch builder. */
interface Answers<R> { promise: Promise<R>; batch: BatchCall<R> }
export type Mode = keyof Answers<unknown>;
export type Answer<W extends Mode, R> = Answers<R>[W];

type ObjectOf<M> = M extends `/${infer O}/${string}` ? O : never;
type ShortNameOf<M> = M extends `/${string}/${infer N}` ? N : never;
export type ObjectName = ObjectOf<MethodName>;

export type MethodFunction<M extends MethodName, W extends Mode> = (...args: ArgsOf<M>) => Answer<W, ResultOf<M>>;

/** tg.<object>.<method>(params): one function per method of the contract, grouped by object. */
export type Namespaces<W extends Mode> = {
  [O in ObjectName]: { [M in Extract<MethodName, `/${O}/${string}`> as ShortNameOf<M>]: MethodFunction<M, W> };
};

/** Each batch call's result, or its error as a TokengateError (not thrown), in order. */
export type BatchResults<T extends readonly BatchCall[]> = { -readonly [K in keyof T]: T[K] extends BatchCall<infer R> ? R | TokengateError : never };

/** How a method function reaches the wire: a promise on the client, a BatchCall in the batch builder. */
export type Invoke<W extends Mode> = <M extends MethodName>(method: M, params: ParamsOf<M> | undefined) => Answer<W, ResultOf<M>>;
