import { realtimeSettings } from '../../../src/realtime/settings';

describe('realtimeSettings', () => {
  it('when nothing is set then the documented defaults, times in ms', () => {
    expect(realtimeSettings({})).toEqual({
      maxConnections: 10_000, maxMessageBytes: 1_048_576, maxInFlight: 8, maxQueued: 64, maxBufferedBytes: 4_194_304,
      heartbeatMs: 30_000, idleTimeoutMs: 600_000, authTimeoutMs: 10_000,
    });
  });

  it('when set then seconds may have decimals, and 0 turns the idle timeout and the queue off', () => {
    const s = realtimeSettings({ TOKENGATE_REALTIME_HEARTBEAT_SECONDS: '2.5', TOKENGATE_REALTIME_IDLE_SECONDS: '0', TOKENGATE_REALTIME_MAX_QUEUED: '0' });
    expect([s.heartbeatMs, s.idleTimeoutMs, s.maxQueued]).toEqual([2500, 0, 0]);
  });

  it.each([
    ['TOKENGATE_REALTIME_MAX_CONNECTIONS', '0'],
    ['TOKENGATE_REALTIME_MAX_IN_FLIGHT', '1.5'],
    ['TOKENGATE_REALTIME_MAX_MESSAGE_BYTES', '1mb'],
    ['TOKENGATE_REALTIME_AUTH_TIMEOUT_SECONDS', '-1'],
  ])('when %s is "%s" then it refuses to start, naming the variable', (name, value) => {
    expect(() => realtimeSettings({ [name]: value })).toThrow(name);
  });
});
