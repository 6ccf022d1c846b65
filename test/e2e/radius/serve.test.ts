import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { ensureBuilt, freePort, freshDatabase, repoRoot, sleep } from '../faults/fault-support';
import { itWith, RADCLIENT, radclient } from '../../support/radius-tools';

/** `tokengate serve` with TOKENGATE_RADIUS_PORT: the listener starts with the server and is closed by SIGTERM. */
jest.setTimeout(240_000);

let main: string;
beforeAll(() => { main = ensureBuilt(); }, 240_000);

const udpPortFree = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createSocket('udp4');
  socket.once('error', () => resolve(false));
  socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
});

describe('tokengate serve with RADIUS', () => {
  itWith(RADCLIENT)('when TOKENGATE_RADIUS_PORT is set then RADIUS answers beside HTTP, and SIGTERM closes it and exits 0', async () => {
    const db = await freshDatabase();
    const [httpPort, radiusPort] = [await freePort(), await freePort()];
    const adminKey = `tgk_${randomBytes(32).toString('base64url')}`;
    const child = spawn(process.execPath, [main, 'serve'], {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH!, DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: String(httpPort), TOKENGATE_RADIUS_PORT: String(radiusPort),
        TOKENGATE_ADMIN_KEY: adminKey, TOKENGATE_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn',
      },
    });
    let output = '';
    child.stdout!.on('data', (c) => { output += c; });
    child.stderr!.on('data', (c) => { output += c; });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (const deadline = Date.now() + 60_000; !output.includes('RADIUS listening');) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start:\n${output}`);
        await sleep(100);
      }
      expect(output).toContain(`RADIUS listening on UDP port ${radiusPort}`);
      const secret = 'serve-test-secret-0123456789';
      const res = await fetch(`http://127.0.0.1:${httpPort}/rpc`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/radiusClient/create', params: { attrs: { name: 'probe', address: '127.0.0.1', secret } } }),
      });
      expect((await res.json() as { result: unknown }).result).toEqual({ id: expect.any(String) });
        // A client made a moment ago is known after the next table read (≤ 250 ms after a miss): a NAS retries, so does the test.
      let probe = { code: null as string | null };
      for (let attempt = 0; attempt < 5 && probe.code !== 'Access-Accept'; attempt++) {
        probe = await radclient(radiusPort, { address: '127.0.0.1', secret }, ['NAS-Identifier = "probe"'], { code: 'status', timeout: 1 });
      }
      expect(probe.code).toBe('Access-Accept');

      expect(await udpPortFree(radiusPort)).toBe(false);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await udpPortFree(radiusPort)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await db.drop();
    }
  });
});
