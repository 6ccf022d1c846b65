import { BusyError, Client } from 'ldapts';
import { DirectoryConnections } from '../../../src/services/directory/ldap/directory-connections';

/** Connections without a server: `connect` hands out fake bound clients, counted. */
function pool() {
  const connections = new DirectoryConnections({
    url: 'ldap://directory.invalid', bindDn: 'cn=svc', bindPassword: 'x', timeoutMs: 1_000,
  } as ConstructorParameters<typeof DirectoryConnections>[0]);
  const made: { isConnected: boolean; unbind: jest.Mock }[] = [];
  jest.spyOn(connections as unknown as { connect: () => Promise<Client> }, 'connect').mockImplementation(async () => {
    const client = { isConnected: true, unbind: jest.fn(async () => { client.isConnected = false; }) };
    made.push(client);
    return client as unknown as Client;
  });
  return { connections, made };
}

describe('DirectoryConnections', () => {
  it('when the directory answers "busy" then that connection stays in the pool, and the work is not run again', async () => {
    const { connections, made } = pool();
    const work = jest.fn(async () => { throw new BusyError('busy'); });

    await expect(connections.use(work)).rejects.toBeInstanceOf(BusyError);
    await expect(connections.use(work)).rejects.toBeInstanceOf(BusyError);

    expect(made).toHaveLength(1); // the second call reused it
    expect(made[0]!.unbind).not.toHaveBeenCalled();
    expect(work).toHaveBeenCalledTimes(2); // once a call: busy is an answer, not a lost connection
  });

  it('when the work itself is at fault (a TypeError) then it is neither retried nor the connection dropped', async () => {
    const { connections, made } = pool();
    await connections.use(async () => 'first');
    const work = jest.fn(async () => { throw new TypeError('a bug of ours'); });

    await expect(connections.use(work)).rejects.toBeInstanceOf(TypeError);

    expect(work).toHaveBeenCalledTimes(1);
    expect(made).toHaveLength(1);
    expect(made[0]!.unbind).not.toHaveBeenCalled();
  });

  it('when a pooled connection turns out lost then it is dropped and the work runs once more on a fresh one', async () => {
    const { connections, made } = pool();
    await connections.use(async () => 'first');
    let calls = 0;
    const result = await connections.use(async () => {
      if (++calls === 1) throw new Error('socket closed');
      return 'second';
    });

    expect(result).toBe('second');
    expect(made).toHaveLength(2);
    expect(made[0]!.unbind).toHaveBeenCalled();
  });
});
