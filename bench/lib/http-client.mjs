// The HTTP side of the load generator, and the fixtures' calls.
import http from 'node:http';

/**
 * JSON over keep-alive HTTP to one server (node:http: lighter than fetch on the CPU the
 * servers share with the load generator). `post` answers {status, body} and never
 * throws (a network error is status 0); `call`, `rest` and `rpc` throw unless the reply
 * is a success: 2xx and no error in the envelope (legacy `error` ≠ 0, JSON-RPC `error`).
 */
export function httpClient(baseUrl) {
  const agent = new http.Agent({ keepAlive: true }); // one socket per worker: a closed loop never has more in flight
  const { hostname, port } = new URL(baseUrl);
  let rpcId = 0;

  function post(path, body, headers = {}) {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve) => {
      const req = http.request({
        host: hostname, port, path, method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let parsed = null;
          try { parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* not JSON */ }
          resolve({ status: res.statusCode, body: parsed });
        });
      });
      req.on('error', (/** @type {NodeJS.ErrnoException} */ err) => resolve({ status: 0, body: { name: err.code ?? 'NETWORK' } }));
      req.end(payload);
    });
  }

  async function call(path, body, headers) {
    const { status, body: reply } = await post(path, body, headers);
    const failed = status < 200 || status > 299 || reply === null || (reply.error !== undefined && reply.error !== 0);
    if (failed) throw new Error(`${path} ${status} ${reply?.name ?? reply?.error?.data?.name ?? reply?.error?.message ?? ''}`.trim());
    return reply.result !== undefined ? reply.result : reply;
  }

  return {
    url: baseUrl, post, call,
    rest: (method, params, headers) => call(`/rest${method}`, params, headers),
    rpc: (method, params, headers) => call('/rpc', { jsonrpc: '2.0', id: ++rpcId, method, params }, headers),
    close: () => agent.destroy(),
  };
}

/** Authorization header for an API key, and for a device's uuid:token. */
export const bearer = (key) => ({ authorization: `Bearer ${key}` });
export const basic = ({ uuid, token }) => ({ authorization: `Basic ${Buffer.from(`${uuid}:${token}`).toString('base64')}` });
