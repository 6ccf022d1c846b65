import { TokengateError } from './errors';
import type { DeviceCredentials } from './types';

export interface ClientOptions {
  /** The server's base URL, e.g. http://localhost:8080. */
  url: string;
  /** An API key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** Or a device's credentials, sent as `Authorization: Basic base64(uuid:token)`. */
  device?: DeviceCredentials;
  /** A fetch of your own (tests, proxies, retries); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
}

export interface RpcCall { method: string; params: unknown }
type RpcReply = { id: unknown; result?: unknown; error?: { code: number; message: string; data?: Record<string, unknown> } };
type RestEnvelope = { error: number; result?: unknown; message?: string; name?: string; data?: Record<string, unknown> };

/** A streamed or in-memory request body for the text/csv upload. */
export type UploadBody = string | Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface Transport {
  /** One JSON-RPC call: its result, or its error thrown as a TokengateError. */
  call(call: RpcCall): Promise<unknown>;
  /** One JSON-RPC batch: each call's result or TokengateError, in the order of `calls`. */
  batch(calls: readonly RpcCall[]): Promise<unknown[]>;
  /** POST /rest<method> with a raw body (the text/csv upload); query values become attrs. */
  upload(method: string, body: UploadBody, contentType: string, query: Record<string, string | number | boolean | undefined>): Promise<unknown>;
}

export function createTransport(opts: ClientOptions): Transport {
  if (opts.key && opts.device) throw new TypeError('give either key or device, not both');
  const base = opts.url.replace(/\/+$/, '');
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const authorization = opts.key ? `Bearer ${opts.key}`
    : opts.device ? `Basic ${btoa(`${opts.device.uuid}:${opts.device.token}`)}` : undefined;
  let lastId = 0;

  async function post(path: string, body: unknown, contentType: string): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = { 'content-type': contentType, accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    let res: Response;
    let text: string;
    try {
      // duplex 'half' lets Node's fetch send a stream as the body (required there for streams).
      const streamed = typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && !(body instanceof Blob);
      res = await fetchFn(base + path, { method: 'POST', headers, body: body as RequestInit['body'], ...(streamed ? { duplex: 'half' } : {}) } as RequestInit);
      text = await res.text();
    } catch (err) {
      throw new TokengateError('NETWORK_ERROR', `no reply from ${base}: ${causeOf(err)}`, { cause: err });
    }
    try {
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    } catch {
      throw new TokengateError('HTTP_ERROR', `${base}${path} answered HTTP ${res.status} that is not tokengate's JSON`, { status: res.status, data: { body: text.slice(0, 500) } });
    }
  }

  /** The error a reply that is not a success carries (either envelope), or HTTP_ERROR when it is none of tokengate's. */
  const failureOf = (path: string, status: number, json: any): TokengateError =>
    isRpcError(json?.error) ? TokengateError.fromRpc(json.error)
      : isRestError(json) ? TokengateError.fromRest(json, status)
        : new TokengateError('HTTP_ERROR', `${base}${path} answered HTTP ${status} without a tokengate envelope`, { status, data: { body: json } });

  return {
    async call({ method, params }) {
      const id = ++lastId;
      const { status, json } = await post('/rpc', JSON.stringify({ jsonrpc: '2.0', id, method, params }), 'application/json');
      if (json && !json.error && 'result' in json) return json.result;
      throw failureOf('/rpc', status, json);
    },

    async batch(calls) {
      if (!calls.length) return [];
      const ids = calls.map(() => ++lastId);
      const body = calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params }));
      const { status, json } = await post('/rpc', JSON.stringify(body), 'application/json');
      // A body-level failure (too large, not JSON) is one error object, not an array.
      if (!Array.isArray(json)) throw failureOf('/rpc', status, json);
      const byId = new Map((json as RpcReply[]).map((r) => [r.id, r]));
      return ids.map((id) => {
        const reply = byId.get(id);
        if (!reply) return new TokengateError('HTTP_ERROR', `the batch reply has no answer for call ${id}`, { status });
        return reply.error ? failureOf('/rpc', status, reply) : reply.result;
      });
    },

    async upload(method, body, contentType, query) {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
      const qs = search.toString();
      const path = `/rest${method}${qs ? `?${qs}` : ''}`;
      const { status, json } = await post(path, body, contentType);
      if (json?.error === 0) return json.result;
      throw failureOf(path, status, json);
    },
  };
}

const isRpcError = (e: unknown): e is NonNullable<RpcReply['error']> =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';

/** The legacy envelope's error, which the server also answers for routes it does not have. */
const isRestError = (b: unknown): b is { error: number; message: string; name: string; data?: Record<string, unknown> } =>
  typeof b === 'object' && b !== null && typeof (b as RestEnvelope).error === 'number' && typeof (b as RestEnvelope).name === 'string';

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
