import type { TestServer } from '../../support/server';

/** How a device presents itself: Basic base64(uuid:token) or Meshblu's two headers. */
export type AuthStyle = 'basic' | 'meshblu';
export interface DeviceCreds { uuid: string; token: string }
export interface RawReply { status: number; text: string; body: any }

export function deviceHeaders(creds: DeviceCreds, style: AuthStyle): Record<string, string> {
  return style === 'basic'
    ? { authorization: `Basic ${Buffer.from(`${creds.uuid}:${creds.token}`).toString('base64')}` }
    : { meshblu_auth_uuid: creds.uuid, meshblu_auth_token: creds.token };
}

/** POST /rpc or /rest/<method> with the given headers; the raw text too, to compare bytes. */
export async function post(s: TestServer, route: 'rpc' | 'rest', method: string, params: unknown, headers: Record<string, string>): Promise<RawReply> {
  const rpc = route === 'rpc';
  const res = await fetch(rpc ? `${s.url}/rpc` : `${s.url}/rest${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(rpc ? { jsonrpc: '2.0', id: 1, method, params } : params),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

/** A JSON-RPC call as a device; the whole reply. */
export async function rpcAs(s: TestServer, creds: DeviceCreds, method: string, params: unknown, style: AuthStyle = 'basic') {
  return (await post(s, 'rpc', method, params, deviceHeaders(creds, style))).body;
}

/** Registers a device with the admin key; {uuid, token}. */
export function register(s: TestServer, attrs: Record<string, unknown> = {}): Promise<DeviceCreds> {
  return s.call('/device/register', { attrs });
}

export const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
