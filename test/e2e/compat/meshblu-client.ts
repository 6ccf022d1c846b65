import MeshbluHttp = require('meshblu-http');
import type { TestServer } from '../../support/server';

export interface DeviceCreds { uuid: string; token: string }

/** What a failed meshblu-http call hands its callback. */
export interface MeshbluFailure { message: string; code: number | undefined; body: unknown; headers: Record<string, string> }

/**
 * The real meshblu-http client against the test server, each callback call turned into
 * a promise; a failure rejects with what the client reports (message, code) and the raw
 * response it saw.
 */
export function meshblu(s: TestServer, auth: DeviceCreds | { bearerToken: string } | null) {
  const port = Number(new URL(s.url).port);
  const client = new MeshbluHttp({ protocol: 'http', hostname: '127.0.0.1', port, keepAlive: false, ...(auth ?? {}) });
  const call = <T = any>(fn: (cb: (error: any, body?: any) => void) => void) => new Promise<T>((resolve, reject) => {
    fn((error, body) => (error
      ? reject({ message: error.message, code: error.code, body: error.response?.body, headers: error.response?.headers ?? {} } satisfies MeshbluFailure)
      : resolve(body)));
  });
  return {
    authenticate: () => call((cb) => client.authenticate(cb)),
    register: (props: Record<string, unknown>) => call((cb) => client.register(props, cb)),
    whoami: () => call((cb) => client.whoami(cb)),
    device: (uuid: string) => call((cb) => client.device(uuid, cb)),
    update: (uuid: string, props: Record<string, unknown>) => call((cb) => client.update(uuid, props, cb)),
    unregister: (uuid: string) => call((cb) => client.unregister({ uuid }, cb)),
    generateAndStoreToken: (uuid: string) => call((cb) => client.generateAndStoreToken(uuid, cb)),
    generateAndStoreTokenWithOptions: (uuid: string, options: Record<string, unknown>) =>
      call((cb) => client.generateAndStoreTokenWithOptions(uuid, options, cb)),
    revokeToken: (uuid: string, token: string) => call((cb) => client.revokeToken(uuid, token, cb)),
    revokeTokenByQuery: (uuid: string, query: Record<string, unknown>) => call((cb) => client.revokeTokenByQuery(uuid, query, cb)),
    resetToken: (uuid: string) => call((cb) => client.resetToken(uuid, cb)),
    searchTokens: (query: Record<string, unknown>) => call((cb) => client.searchTokens(query, {}, cb)),
  };
}

/** The failure of a call that must fail. */
export async function failureOf(promise: Promise<unknown>): Promise<MeshbluFailure> {
  try {
    const value = await promise;
    throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof Error) throw err;
    return err as MeshbluFailure;
  }
}
