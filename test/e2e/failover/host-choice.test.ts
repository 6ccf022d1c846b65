import { Client, Pool } from 'pg';
import { connectToDatabase, poolOptionsFor } from '../../../src/db/multi-host';
import { isDatabaseUnavailable } from '../../../src/errors/database-unavailable';
import { ClusterTemplate, createClusterTemplate, ReplicatedPostgres, startReplicatedPostgres } from './replicated-postgres';

/**
 * Which host a multi-host DATABASE_URL reaches, against a real primary and a real hot
 * standby (libpq's rules for target_session_attrs, PostgreSQL manual 34.1.2): read-write and
 * primary skip the standby wherever it is in the list; any takes the first that answers.
 */
jest.setTimeout(60_000);

let template: ClusterTemplate;
let cluster: ReplicatedPostgres;
beforeAll(async () => {
  template = createClusterTemplate();
  cluster = await startReplicatedPostgres(template, { synchronous: false });
}, 60_000);
afterAll(() => {
  cluster?.remove();
  template?.remove();
});

const urlOf = (ports: number[], attrs?: string) =>
  `postgres://postgres@${ports.map((p) => `127.0.0.1:${p}`).join(',')}/tokengate${attrs ? `?target_session_attrs=${attrs}` : ''}`;
const WHERE = 'SELECT pg_is_in_recovery() AS "inRecovery", inet_server_port() AS port';

async function untilAccepting(url: string): Promise<void> {
  for (let i = 0; ; i++) {
    const client = new Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      return;
    } catch (err) {
      if (i >= 100) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

describe('multi-host DATABASE_URL', () => {
  it('when the standby is named first and read-write or primary is asked then a connection and a pool reach the primary', async () => {
    const { primaryPort, standbyPort } = cluster;
    const client = await connectToDatabase(urlOf([standbyPort, primaryPort], 'read-write'), {}, 2_000);
    try {
      expect((await client.query(WHERE)).rows).toEqual([{ inRecovery: false, port: primaryPort }]);
    } finally {
      await client.end();
    }
    const pool = new Pool({ ...poolOptionsFor(urlOf([standbyPort, primaryPort], 'primary'), { connectTimeoutMs: 2_000 }), max: 3 });
    try {
      const answers = await Promise.all([1, 2, 3].map(async () => (await pool.query(WHERE)).rows));
      expect(answers).toEqual([1, 2, 3].map(() => [{ inRecovery: false, port: primaryPort }]));
    } finally {
      await pool.end();
    }
  });

  it('when any is asked then the first host that answers, a standby too', async () => {
    // A hot standby opens for connections once it is consistent, which may come after streaming
    // starts on a busy machine; "answers" is what this case is about, so wait until it does.
    await untilAccepting(urlOf([cluster.standbyPort]));
    const client = await connectToDatabase(urlOf([cluster.standbyPort, cluster.primaryPort], 'any'), {}, 10_000); // generous: under load the first host's answer may come late, and it must still win
    try {
      expect((await client.query(WHERE)).rows).toEqual([{ inRecovery: true, port: cluster.standbyPort }]);
    } finally {
      await client.end();
    }
  });

  it('when no named host takes writes then the connection and the pool fail with 08001 (database unavailable) after the connect timeout', async () => {
    const url = urlOf([cluster.standbyPort, 1], 'read-write'); // a standby, and a port nothing listens on
    const started = performance.now();
    const err = await connectToDatabase(url, {}, 1_000).then(() => undefined, (e: unknown) => e);
    const tookMs = performance.now() - started;
    expect(err).toMatchObject({ name: 'NoSuitableHostError', code: '08001' });
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(tookMs).toBeGreaterThanOrEqual(500); // rounds every 200 ms while time is left
    expect(tookMs).toBeLessThan(3_000);

    const pool = new Pool({ ...poolOptionsFor(url, { connectTimeoutMs: 1_000 }), max: 1 });
    try {
      const poolErr = await pool.query('SELECT 1').then(() => undefined, (e: unknown) => e);
      expect(isDatabaseUnavailable(poolErr)).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
