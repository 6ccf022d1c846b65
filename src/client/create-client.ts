import { type Aliases, buildAliases } from './aliases';
import { buildNamespaces } from './namespaces';
import type { MethodName, ParamsOf } from './generated/params';
import { type ClientOptions, createTransport, type UploadBody } from './transport';
import type { ArgsOf, BatchCall, BatchResults, Invoke, Namespaces, ResultOf } from './types';

/** The attrs of a CSV upload besides the file itself (they travel as query parameters). */
export type CsvUploadOptions = Omit<NonNullable<ParamsOf<'/token/batchAssignTokens'>['attrs']>, 'csv'>;

export interface TokenExtras {
  /**
   * /token/batchAssignTokens with the file streamed as the text/csv body (any size), rather
   * than as attrs.csv in JSON. `body` may be a string, bytes, a Blob, a web ReadableStream or
   * a Node stream (fs.createReadStream(file)).
   */
  batchAssignTokensFromCsv(body: UploadBody, options?: CsvUploadOptions): Promise<ResultOf<'/token/batchAssignTokens'>>;
}

export type BatchBuilder = Namespaces<'batch'> & Aliases<'batch'>;

export type TokengateClient = Namespaces<'promise'> & Aliases<'promise'> & {
  token: TokenExtras;
  /** Any method by name, typed: tg.call('/token/get', {id}). */
  call<M extends MethodName>(method: M, ...args: ArgsOf<M>): Promise<ResultOf<M>>;
  /** Any method by name, untyped: for names the types do not know (a newer server, `tokengate call`). */
  callUnchecked(method: string, params?: unknown): Promise<unknown>;
  /**
   * One JSON-RPC batch: tg.batch((b) => [b.domain.get({id}), b.user.search({})]).
   * The server runs the calls one after another, in order; the answer holds each call's
   * result or its TokengateError (returned, not thrown), in the same order.
   */
  batch<T extends readonly BatchCall[] | []>(build: (b: BatchBuilder) => T): Promise<BatchResults<T>>;
};

/**
 * createClient({url, key}) or createClient({url, device: {uuid, token}}): the tokengate SDK.
 * Every call goes through POST /rpc; failures are thrown as TokengateError.
 */
export function createClient(options: ClientOptions): TokengateClient {
  const transport = createTransport(options);
  const invoke = ((method: string, params: unknown) => transport.call({ method, params: params ?? {} })) as Invoke<'promise'>;
  const toBatchCall = ((method: MethodName, params: unknown) => ({ method, params: params ?? {} })) as Invoke<'batch'>;

  const namespaces = buildNamespaces(invoke);
  const batchNamespaces = buildNamespaces(toBatchCall);
  const builder: BatchBuilder = { ...batchNamespaces, ...buildAliases(toBatchCall, batchNamespaces) };
  const tokenExtras: TokenExtras = {
    batchAssignTokensFromCsv: (body, o = {}) => transport.upload('/token/batchAssignTokens', body,
      `text/csv; charset=${o.charset ?? 'utf-8'}`, { mode: o.mode, dryRun: o.dryRun, createUsers: o.createUsers }) as never,
  };

  return {
    ...namespaces,
    ...buildAliases(invoke, namespaces),
    token: { ...namespaces.token, ...tokenExtras },
    call: (method, ...args) => invoke(method, args[0]),
    callUnchecked: (method, params) => transport.call({ method, params: params ?? {} }),
    batch: async (build) => (await transport.batch(build(builder) as readonly BatchCall[])) as never,
  };
}
