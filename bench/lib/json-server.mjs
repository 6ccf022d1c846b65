// The bare servers of the benches (floor-app.mjs, driver-app.mjs): node:http, no framework,
// POST <route> with a JSON body answered by routes[route](body) as JSON. The floors' two
// statements live here too, so every driver set-up runs exactly the floor's SQL.
import http from 'node:http';

export const FLOOR_A = 'UPDATE tokens SET counter = counter + 1 WHERE id = $1 RETURNING counter';
export const FLOOR_B = 'SELECT user_id AS "userId", domain_id AS "ecosystemId", expiry_type AS "expiryType", expires_at AS "expiresAt" FROM user_tokens WHERE token_hash = $1';

/**
 * Serves `routes` on 127.0.0.1:`port`, prints `readyLine` once listening, and on SIGTERM
 * closes, awaits `close()` and exits 0.
 * @param {Record<string, (body: any) => Promise<unknown>>} routes @param {number} port
 * @param {string} readyLine @param {() => Promise<unknown>} close
 */
export function serveJsonRoutes(routes, port, readyLine, close) {
  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const route = routes[req.url ?? ''];
        if (!route) { res.writeHead(404).end(); return; }
        const body = JSON.stringify(await route(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err instanceof Error ? err.message : err) }));
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1', () => console.log(readyLine));
  process.once('SIGTERM', () => { server.close(); server.closeAllConnections(); close().finally(() => process.exit(0)); });
}
