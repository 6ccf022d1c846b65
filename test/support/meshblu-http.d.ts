/** The part of meshblu-http (CoffeeScript, no types of its own) the compatibility tests call. */
declare module 'meshblu-http' {
  type Callback = (error: (Error & { code?: number; response?: { statusCode: number; body: unknown; headers: Record<string, string> } }) | null, body?: any) => void;
  interface MeshbluHttpOptions {
    protocol?: string; hostname?: string; port?: number;
    uuid?: string; token?: string; bearerToken?: string;
    keepAlive?: boolean;
  }
  class MeshbluHttp {
    constructor(options?: MeshbluHttpOptions);
    authenticate(callback: Callback): void;
    register(device: Record<string, unknown>, callback: Callback): void;
    whoami(callback: Callback): void;
    device(uuid: string, callback: Callback): void;
    update(uuid: string, params: Record<string, unknown>, callback: Callback): void;
    unregister(device: { uuid: string }, callback: Callback): void;
    generateAndStoreToken(uuid: string, callback: Callback): void;
    generateAndStoreTokenWithOptions(uuid: string, options: Record<string, unknown>, callback: Callback): void;
    revokeToken(uuid: string, token: string, callback: Callback): void;
    revokeTokenByQuery(uuid: string, query: Record<string, unknown>, callback: Callback): void;
    resetToken(uuid: string, callback: Callback): void;
    searchTokens(query: Record<string, unknown>, metadata: Record<string, unknown>, callback: Callback): void;
  }
  export = MeshbluHttp;
}
