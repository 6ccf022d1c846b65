import { unsealSeed } from '../../../src/services/tokens/token-seeds';
import { startTestServer, TestServer } from '../../support/server';
import { makeRepository, makeUser } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const seedOf = async (id: string) => {
  const [row] = await s.db.query('SELECT seed_sealed FROM tokens WHERE id = $1', [id]);
  return unsealSeed(s.keys.masterKey, row.seed_sealed, id);
};

describe('/token/create (software token for a user)', () => {
  it('when product and user are given then it makes a token owned by the user, with a sealed seed', async () => {
    const user = await makeUser(s);
    const token = await s.call('/token/create', { attrs: { 'product.manufacturerCode': 'DN', 'product.productCode': 'MT', 'user.id': user.id, description: 'phone' } });
    expect(token).toEqual({
      id: expect.any(String), serial: expect.stringMatching(/^MT\d{10}$/), identifier: null, status: 'ACTIVE', description: 'phone',
      type: 'TOTP', algorithm: 'SHA1', digits: 6, period: 30,
      product: { id: expect.any(String), manufacturerCode: 'DN', productCode: 'MT', name: 'MobileToken', hardware: false },
      repository: null,
      assignedUsers: [{ id: user.id, loginName: user.loginName, domain: user.domain, status: 'ACTIVE', hasPin: false }],
      sharedUsers: [],
      users: [{ id: user.id, loginName: user.loginName, domain: user.domain, status: 'ACTIVE', hasPin: false }],
      counter: 0, drift: 0, confined: false, failCount: 0, locked: false, lastUsedAt: null, createdAt: expect.any(String),
    });
    expect(JSON.stringify(token)).not.toMatch(/seed/i);
    expect(await seedOf(token.id)).toHaveLength(20);
    const [{ seed_sealed: sealed }] = await s.db.query('SELECT seed_sealed FROM tokens WHERE id = $1', [token.id]);
    expect(sealed).toHaveLength(1 + 12 + 16 + 20);
  });

  it('when the user is named by domain and loginName and a PIN is given then the assignment keeps only its scrypt hash', async () => {
    const user = await makeUser(s);
    const token = await s.call('/token/create', {
      attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { domain: { name: user.domain.name }, loginName: user.loginName }, pin: '4711' },
      return: ['id', 'serial', { assignedUsers: ['loginName', 'hasPin'] }],
    });
    expect(token).toEqual({ id: expect.any(String), serial: expect.any(String), assignedUsers: [{ loginName: user.loginName, hasPin: true }] });
    const [row] = await s.db.query('SELECT pin_hash, role FROM token_assignments WHERE token_id = $1', [token.id]);
    expect(row.role).toBe('owner');
    expect(row.pin_hash).toMatch(/^scrypt\$/);
    expect(row.pin_hash).not.toContain('4711');
  });

  it('when the product uses SHA512 then the seed is 64 bytes', async () => {
    const user = await makeUser(s);
    const [p] = await s.db.query(`INSERT INTO products (manufacturer_code, product_code, name, type, algorithm, digits) VALUES ('T', 'S512', 'sha512 soft', 'TOTP', 'SHA512', 8) RETURNING id`);
    const token = await s.call('/token/create', { attrs: { 'product.id': p.id, 'user.id': user.id } });
    expect(token).toMatchObject({ algorithm: 'SHA512', digits: 8 });
    expect(await seedOf(token.id)).toHaveLength(64);
  });

  it('when the product is a hardware one then INVALID_PARAMS and nothing is written', async () => {
    const user = await makeUser(s);
    const reply = await s.rpc('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'SE' }, user: { id: user.id } } });
    expect(reply.error?.data.name).toBe('INVALID_PARAMS');
    expect(await s.db.query('SELECT 1 FROM token_assignments WHERE user_id = $1', [user.id])).toEqual([]);
  });

  it.each([
    ['an unknown product', 'PRODUCT_NOT_FOUND', { product: { manufacturerCode: 'NO', productCode: 'PE' } }],
    ['an unknown user', 'USER_NOT_FOUND', { user: { id: '00000000-0000-4000-8000-000000000000' } }],
    ['a PIN of 3 characters', 'TOKEN_PIN_INVALID', { pin: '123' }],
    ['no user', 'INVALID_PARAMS', { user: undefined }],
    ['a psk on the software form', 'INVALID_PARAMS', { psk: '00'.repeat(16) }],
  ])('when given %s then %s and nothing is written', async (_what, name, change) => {
    const user = await makeUser(s);
    const attrs = { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id }, ...change };
    const before = await s.db.query('SELECT count(*)::int AS n FROM tokens');
    const reply = await s.rpc('/token/create', { attrs });
    expect(reply.error?.data.name).toBe(name);
    expect(await s.db.query('SELECT count(*)::int AS n FROM tokens')).toEqual(before);
  });

  it('when the key has only token:read then FORBIDDEN', async () => {
    const user = await makeUser(s);
    const reply = await s.rpc('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } }, await s.keyWith(['token:read']));
    expect(reply.error?.data.name).toBe('FORBIDDEN');
  });
});

describe('/token/create (import)', () => {
  it('when an OATH CSV is imported into a product and repository then every token is stored with its file parameters', async () => {
    const repo = await makeRepository(s);
    const data = ['serial,seed,type,digits,counter', `CSV-1,${'31'.repeat(20)},HOTP,6,5`, `CSV-2,${'32'.repeat(32)},HOTP,8,0,SHA256`].join('\n');
    const result = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'OATH', productCode: 'HOTP' }, repository: { name: repo.name }, data } });
    expect(result).toEqual({ total: 2, rows: [{ id: expect.any(String), serial: 'CSV-1' }, { id: expect.any(String), serial: 'CSV-2' }] });
    const rows = await s.db.query(
      `SELECT serial, algorithm, digits, counter::int AS counter, repository_id FROM tokens WHERE serial LIKE 'CSV-%' ORDER BY serial`);
    expect(rows).toEqual([
      { serial: 'CSV-1', algorithm: 'SHA1', digits: 6, counter: 5, repository_id: repo.id },
      { serial: 'CSV-2', algorithm: 'SHA256', digits: 8, counter: 0, repository_id: repo.id },
    ]);
    expect(await seedOf(result.rows[1].id)).toEqual(Buffer.alloc(32, 0x32));
  });

  it('when no product is named then each token goes to OATH/HOTP or OATH/TOTP by its type', async () => {
    const data = [`MIX-H,${'aa'.repeat(20)},HOTP,6,0`, `MIX-T,${'bb'.repeat(20)},totp,6,60`].join('\n');
    await s.call('/token/create', { attrs: { data } });
    const rows = await s.db.query(
      `SELECT t.serial, p.product_code AS product, t.period FROM tokens t JOIN products p ON p.id = t.product_id WHERE serial LIKE 'MIX-%' ORDER BY serial`);
    expect(rows).toEqual([{ serial: 'MIX-H', product: 'HOTP', period: 30 }, { serial: 'MIX-T', product: 'TOTP', period: 60 }]);
  });

  it('when a token does not match the named product\'s type then IMPORT_FILE_INVALID names it and nothing is written', async () => {
    const data = [`TYPE-1,${'aa'.repeat(20)},HOTP,6,0`, `TYPE-2,${'bb'.repeat(20)},TOTP,6,30`].join('\n');
    const reply = await s.rpc('/token/create', { attrs: { product: { manufacturerCode: 'OATH', productCode: 'HOTP' }, data } });
    expect(reply.error).toMatchObject({ code: 1008, data: { name: 'IMPORT_FILE_INVALID', errors: [{ position: 2, serial: 'TYPE-2', message: expect.stringContaining('HOTP product') }] } });
    expect(await s.db.query(`SELECT 1 FROM tokens WHERE serial LIKE 'TYPE-%'`)).toEqual([]);
  });

  it('when the repository does not exist then REPOSITORY_NOT_FOUND', async () => {
    const reply = await s.rpc('/token/create', { attrs: { repository: { name: 'nope' }, data: `R-1,${'aa'.repeat(20)},HOTP,6,0` } });
    expect(reply.error?.data.name).toBe('REPOSITORY_NOT_FOUND');
  });

  it('when the import form also names a user then INVALID_PARAMS', async () => {
    const user = await makeUser(s);
    const reply = await s.rpc('/token/create', { attrs: { user: { id: user.id }, data: `U-1,${'aa'.repeat(20)},HOTP,6,0` } });
    expect(reply.error?.data.name).toBe('INVALID_PARAMS');
  });
});
