import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, methodNames } from '../../../src/client';
import { allMethods } from '../../../src/methods';

const root = join(__dirname, '../../..');
const registered = allMethods.map((m) => m.name).sort();

/** A client whose fetch records the JSON-RPC calls instead of sending them. */
function recordingClient() {
  const sent: { method: string; params: unknown }[] = [];
  const tg = createClient({
    url: 'http://tokengate.invalid',
    key: 'tgk_test',
    fetch: async (_url, init) => {
      const call = JSON.parse(String(init!.body));
      sent.push({ method: call.method, params: call.params });
      return new Response(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: {} }));
    },
  });
  return { tg, sent };
}

describe('every method of the registry', () => {
  it.each(registered)('%s has a schema whose $id is its name, and an SDK function that calls it', async (name) => {
    const [, object, method] = name.split('/');
    const schemaFile = join(root, 'schemas', object, `${method}.json`);
    expect(existsSync(schemaFile)).toBe(true);
    expect(JSON.parse(readFileSync(schemaFile, 'utf8')).$id).toBe(name);

    const { tg, sent } = recordingClient();
    const fn = (tg as unknown as Record<string, Record<string, (p: unknown) => Promise<unknown>>>)[object]?.[method];
    expect(typeof fn).toBe('function');
    await fn({ probe: 1 });
    expect(sent).toEqual([{ method: name, params: { probe: 1 } }]);
  });

  it('when the generated method list is compared with the registry then they hold the same names (no schema without a method)', () => {
    expect([...methodNames].sort()).toEqual(registered);
  });
});

describe('the Droplit / Meshblu / enmeshed-style aliases', () => {
  it('when each is called then it sends a registered method with the params in their contract names', async () => {
    const { tg, sent } = recordingClient();
    await tg.users.createToken('eco-1', 'user-1', 60, 'SlidingTtl');
    await tg.users.verifyToken('tgu_x');
    await tg.users.listTokens('eco-1', 'user-1', { limit: 5 });
    await tg.users.revokeToken('tok-1');
    await tg.users.revokeTokens('eco-1', 'user-1');
    await tg.devices.register();
    await tg.devices.register({ name: 'lamp' });
    await tg.devices.get('d-1');
    await tg.devices.update('d-1', { name: 'lamp 2' });
    await tg.devices.unregister('d-1');
    await tg.devices.generateAndStoreToken('d-1');
    await tg.devices.createSessionToken('d-1', { tag: 'app' });
    await tg.devices.revokeToken('d-1', 'tgd_x');
    await tg.devices.revokeTokensByQuery('d-1', 'app');
    await tg.devices.searchTokens('d-1');
    await tg.devices.verifyToken('d-1', 'tgd_x');
    await tg.templates.createToken({ templateId: 'RLT00000000000000000' });
    expect(sent).toEqual([
      { method: '/user/createToken', params: { ecosystemId: 'eco-1', id: 'user-1', ttl: 60, expiryType: 'SlidingTtl' } },
      { method: '/user/verifyToken', params: { token: 'tgu_x' } },
      { method: '/user/listTokens', params: { ecosystemId: 'eco-1', id: 'user-1', limit: 5 } },
      { method: '/user/revokeToken', params: { tokenId: 'tok-1' } },
      { method: '/user/revokeTokens', params: { ecosystemId: 'eco-1', id: 'user-1' } },
      { method: '/device/register', params: {} },
      { method: '/device/register', params: { attrs: { name: 'lamp' } } },
      { method: '/device/get', params: { uuid: 'd-1' } },
      { method: '/device/update', params: { uuid: 'd-1', attrs: { name: 'lamp 2' } } },
      { method: '/device/unregister', params: { uuid: 'd-1' } },
      { method: '/device/generateAndStoreToken', params: { uuid: 'd-1' } },
      { method: '/device/createSessionToken', params: { uuid: 'd-1', tag: 'app' } },
      { method: '/device/revokeToken', params: { uuid: 'd-1', token: 'tgd_x' } },
      { method: '/device/revokeTokensByQuery', params: { uuid: 'd-1', tag: 'app' } },
      { method: '/device/searchTokens', params: { uuid: 'd-1' } },
      { method: '/device/verifyToken', params: { uuid: 'd-1', token: 'tgd_x' } },
      { method: '/relationshipTemplate/createToken', params: { templateId: 'RLT00000000000000000' } },
    ]);
    expect(sent.every((c) => registered.includes(c.method))).toBe(true);
  });
});
