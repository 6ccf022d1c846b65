import type { Caller, FoundCaller } from '../../../src/contract/method';
import { CallerCache } from '../../../src/gateway/caller-cache';

const key1: Caller = { kind: 'apikey', id: 'k1', name: 'one', scopes: ['admin'], identity: null };
const device: Caller = { kind: 'device', uuid: 'd1' };

/** A database stand-in: answers `found` and counts how often it was asked. */
function source(found: FoundCaller | null) {
  const s = { calls: 0, found, find: async () => { s.calls++; return s.found; } };
  return s;
}

function trustedCache(options: Partial<ConstructorParameters<typeof CallerCache>[0]> = {}) {
  const outcomes: string[] = [];
  const cache = new CallerCache({ maxEntries: 100, ttlMs: 60_000, onLookup: (o) => outcomes.push(o), ...options });
  cache.trust();
  return { cache, outcomes };
}

describe('CallerCache', () => {
  afterEach(() => jest.useRealTimers());

  it('when a credential is found then the next lookup is served from memory', async () => {
    const { cache, outcomes } = trustedCache();
    const db = source({ caller: key1, expiresAt: null });
    expect(await cache.resolve('a', db.find)).toEqual(key1);
    expect(await cache.resolve('a', db.find)).toEqual(key1);
    expect([db.calls, outcomes]).toEqual([1, ['miss', 'hit']]);
  });

  it('when a credential is not found then nothing is remembered: every failure is looked up', async () => {
    const { cache } = trustedCache();
    const db = source(null);
    expect(await cache.resolve('a', db.find)).toBeNull();
    expect(await cache.resolve('a', db.find)).toBeNull();
    expect(db.calls).toBe(2);
  });

  it('when the credential expires then the entry ends at its expiresAt, before the TTL', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { cache } = trustedCache();
    const db = source({ caller: key1, expiresAt: new Date(1_000_000 + 5_000) });
    await cache.resolve('a', db.find);
    jest.setSystemTime(1_000_000 + 4_999);
    await cache.resolve('a', db.find);
    expect(db.calls).toBe(1);
    jest.setSystemTime(1_000_000 + 5_000);
    db.found = null; // the database no longer finds it either
    expect(await cache.resolve('a', db.find)).toBeNull();
    expect(db.calls).toBe(2);
  });

  it('when the TTL has passed then the credential is looked up again', async () => {
    jest.useFakeTimers({ now: 2_000_000 });
    const { cache } = trustedCache({ ttlMs: 1_000 });
    const db = source({ caller: key1, expiresAt: null });
    await cache.resolve('a', db.find);
    jest.setSystemTime(2_000_000 + 1_000);
    await cache.resolve('a', db.find);
    expect(db.calls).toBe(2);
  });

  it('when a subject is forgotten then only its entries go', async () => {
    const { cache } = trustedCache();
    const keyDb = source({ caller: key1, expiresAt: null });
    const deviceDb = source({ caller: device, expiresAt: null });
    await cache.resolve('key', keyDb.find);
    await cache.resolve('root', deviceDb.find);
    await cache.resolve('session', deviceDb.find);
    cache.forget('device:d1');
    await cache.resolve('key', keyDb.find);
    await cache.resolve('root', deviceDb.find);
    await cache.resolve('session', deviceDb.find);
    expect([keyDb.calls, deviceDb.calls]).toEqual([1, 4]);
  });

  it('when a change is heard while the database answers then that answer is not remembered', async () => {
    const { cache } = trustedCache();
    let answer!: (found: FoundCaller) => void;
    const pending = cache.resolve('a', () => new Promise((resolve) => { answer = resolve; }));
    cache.forget('apikey:k1'); // the revocation's notification overtakes the lookup's answer
    answer({ caller: key1, expiresAt: null });
    await pending;
    expect(cache.size).toBe(0);
  });

  it('when it is not trusted then it drops everything and serves nothing until trusted again', async () => {
    const { cache, outcomes } = trustedCache();
    const db = source({ caller: key1, expiresAt: null });
    await cache.resolve('a', db.find);
    cache.distrust();
    expect(cache.size).toBe(0);
    await cache.resolve('a', db.find);
    await cache.resolve('a', db.find);
    expect(cache.size).toBe(0);
    cache.trust();
    await cache.resolve('a', db.find);
    await cache.resolve('a', db.find);
    expect([db.calls, outcomes]).toEqual([4, ['miss', 'bypass', 'bypass', 'miss', 'hit']]);
  });

  it('when full then the oldest entry makes room', async () => {
    const { cache } = trustedCache({ maxEntries: 2 });
    const db = source({ caller: key1, expiresAt: null });
    for (const k of ['a', 'b', 'c']) await cache.resolve(k, db.find);
    expect(cache.size).toBe(2);
    await cache.resolve('b', db.find);
    await cache.resolve('c', db.find);
    expect(db.calls).toBe(3);
    await cache.resolve('a', db.find);
    expect(db.calls).toBe(4);
  });
});
