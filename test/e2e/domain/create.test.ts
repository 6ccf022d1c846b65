import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const domainRows = (name: string) => s.db.query('SELECT name, description, deleted_at FROM domains WHERE name = $1', [name]);

describe('/domain/create', () => {
  it('when attrs are valid then it answers {id} and stores the domain', async () => {
    const result = await s.call('/domain/create', { attrs: { name: 'corp', description: 'Head office' } });
    expect(result).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [row] = await s.db.query('SELECT name, description, deleted_at FROM domains WHERE id = $1', [result.id]);
    expect(row).toEqual({ name: 'corp', description: 'Head office', deleted_at: null });
  });

  it('when called on the legacy route with dotted keys then {error: 0, result: {id}}', async () => {
    const { status, body } = await s.rest('/domain/create', { 'attrs.name': 'legacy' });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { id: expect.any(String) } });
    expect(await domainRows('legacy')).toEqual([{ name: 'legacy', description: null, deleted_at: null }]);
  });

  it('when the name is taken by a live domain then 409 CONFLICT names the field and nothing changes', async () => {
    await s.call('/domain/create', { attrs: { name: 'taken' } });
    const { status, body } = await s.rest('/domain/create', { attrs: { name: 'taken', description: 'again' } });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5004, name: 'CONFLICT', message: 'A domain with this name already exists', data: { reason: 'DUPLICATE', fields: ['name'] },
    });
    expect(await domainRows('taken')).toEqual([{ name: 'taken', description: null, deleted_at: null }]);
  });

  it('when the name belonged to a deleted domain then it can be used again', async () => {
    const { id } = await s.call('/domain/create', { attrs: { name: 'reborn' } });
    await s.call('/domain/delete', { id });
    const again = await s.call('/domain/create', { attrs: { name: 'reborn' } });
    expect(again.id).not.toBe(id);
    expect(await s.db.query('SELECT count(*)::int AS n FROM domains WHERE name = $1', ['reborn'])).toEqual([{ n: 2 }]);
  });

  it.each([
    ['no name', { attrs: { description: 'x' } }, 'INVALID_PARAMS'],
    ['an empty name', { attrs: { name: '' } }, 'INVALID_PARAMS'],
    ['a name of 201 characters', { attrs: { name: 'x'.repeat(201) } }, 'INVALID_PARAMS'],
    ['an unknown attribute', { attrs: { name: 'y', color: 'red' } }, 'QUERY_FIELD_NOT_ALLOWED'],
    ['an id', { attrs: { name: 'z', id: '00000000-0000-4000-8000-000000000000' } }, 'QUERY_FIELD_NOT_ALLOWED'],
    ['pinSource "directory" without a directory', { attrs: { name: 'no-dir', pinSource: 'directory' } }, 'INVALID_PARAMS'],
  ])('when attrs hold %s then %s and nothing is stored', async (_what, params, name) => {
    const before = await s.db.query('SELECT count(*)::int AS n FROM domains');
    const reply = await s.rpc('/domain/create', params);
    expect(reply.error?.data.name).toBe(name);
    expect(await s.db.query('SELECT count(*)::int AS n FROM domains')).toEqual(before);
  });

  it('when the key has scope directory then it may; with another scope then FORBIDDEN', async () => {
    expect(await s.call('/domain/create', { attrs: { name: 'scoped' } }, await s.keyWith(['directory']))).toEqual({ id: expect.any(String) });
    const reply = await s.rpc('/domain/create', { attrs: { name: 'refused' } }, await s.keyWith(['token:read']));
    expect(reply.error).toMatchObject({ code: 3001, data: { name: 'FORBIDDEN' } });
    expect(await domainRows('refused')).toEqual([]);
  });
});
