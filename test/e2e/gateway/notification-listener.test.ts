import { startNotificationListener } from '../../../src/db/notification-listener';
import { startTestServer, TestServer } from '../../support/server';

/** The listener on a real PostgreSQL: what it passes on, and when it says it hears. */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(async () => { await s.close(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string) {
  for (let i = 0; !check(); i++) {
    if (i > 200) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('startNotificationListener', () => {
  it('when changes are notified then they are passed on, other processes\' probes are not; a probe that cannot be sent makes it deaf until one can', async () => {
    const events: string[] = [];
    let poolWorks = true;
    const listener = startNotificationListener({
      url: s.databaseUrl, channel: 'test_channel', applicationName: 'test-listener', probeIntervalMs: 100,
      sendProbe: async (payload) => {
        if (!poolWorks) throw new Error('pool down');
        await s.db.query('SELECT pg_notify($1, $2)', ['test_channel', payload]);
      },
      onNotification: (payload) => events.push(`change ${payload}`),
      onHearing: () => events.push('hearing'),
      onDeaf: (err) => events.push(`deaf: ${(err as Error).message}`),
    });
    try {
      await until(() => events.includes('hearing'), 'hearing');
      await s.db.query(`SELECT pg_notify('test_channel', 'probe:another-process:1'), pg_notify('test_channel', 'apikey:1')`);
      await until(() => events.length === 2, 'the change');

      poolWorks = false;
      await until(() => events.length === 3, 'deaf');
      await sleep(500); // more failed attempts: reported once
      poolWorks = true;
      await until(() => events.length === 4, 'hearing again');
      expect(events).toEqual(['hearing', 'change apikey:1', 'deaf: could not send a probe within 5000 ms: pool down', 'hearing']);
    } finally {
      await listener.close();
    }
  });
});
