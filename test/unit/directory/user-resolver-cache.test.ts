import type { Db } from '../../../src/db';
import { DEFAULT_SCAN_FROM, UserResolver } from '../../../src/services/directory/user-resolver';

/** A Db whose every statement answers `answer()`: what the resolver reads, counted. */
function fakeDb(answer: () => Promise<unknown[]>) {
  const rows = jest.fn((_text: string, _params?: unknown[]) => answer());
  return { db: { rows } as unknown as Db, rows };
}

const MASTER_KEY = Buffer.alloc(32, 1);
const localDomain = (name: string, pinSource = 'token') => ({ id: '6f1c0e4e-2b7a-4c1e-9a57-3f0f1d2c4b5a', name, pinSource, directory: null, bindPassword: null });

describe('UserResolver keeps a bounded memory of what it read', () => {
  it('when more unknown domain names are probed than it keeps then the oldest answers are read again, the newest are not', async () => {
    const { db, rows } = fakeDb(async () => []);
    const resolver = new UserResolver(MASTER_KEY, Date.now, DEFAULT_SCAN_FROM, { domains: 3, users: 3 });

    for (const name of ['a', 'b', 'c', 'd', 'e']) expect(await resolver.domain(db, { name })).toBeNull();
    await resolver.domain(db, { name: 'e' }); // kept
    await resolver.domain(db, { name: 'a' }); // pushed out by c, d, e: read again

    expect(rows.mock.calls.map((call) => call[1])).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['a']]);
  });

  it('when a domain is forgotten while it is being read then that read is done again, and the fresh one kept', async () => {
    let release: (value: unknown[]) => void = () => {};
    const { db, rows } = fakeDb(() => new Promise((resolve) => { release = resolve; }));
    const resolver = new UserResolver(MASTER_KEY);

    const reading = resolver.domain(db, { name: 'acme' });
    resolver.forgetDomain(localDomain('acme').id); // /domain/set committed meanwhile
    release([localDomain('acme', 'token')]); // the read from before
    for (let i = 0; i < 100 && rows.mock.calls.length < 2; i++) await Promise.resolve();
    release([localDomain('acme', 'none')]); // read again
    expect((await reading)?.pinSource).toBe('none');

    expect((await resolver.domain(db, { name: 'acme' }))?.pinSource).toBe('none'); // kept
    expect(rows).toHaveBeenCalledTimes(2);
  });
});
