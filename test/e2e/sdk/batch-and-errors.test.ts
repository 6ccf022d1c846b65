import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, isTokengateError, TokengateError } from '../../../src/client';
import { startTestServer, TestServer } from '../../support/server';
import { freePort } from '../faults/fault-support';
import { assignmentsOf, createDomain, createTokens, createUsers, HEADER, uploadCsv } from '../token/batch-fixtures';
import { sdkFor } from './sdk-support';

/** Batch assignment (JSON and streamed CSV), JSON-RPC batches and TokengateError through the SDK. */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

let seq = 0;
async function world(n: number) {
  const name = `sdk batch ${++seq}`;
  const prefix = `SB${seq}`;
  const domainId = await createDomain(s, name);
  await createUsers(s, domainId, Array.from({ length: n }, (_, i) => `u${i + 1}`));
  await createTokens(s, Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`));
  const csv = (rows: number[], bad: string[] = []) => [HEADER, ...rows.map((i) => `${name},u${i},DN,ST,${prefix}-${i},,`), ...bad].join('\n');
  return { name, prefix, csv };
}

describe('SDK: /token/batchAssignTokens', () => {
  it('when attrs.csv is sent as JSON then the result equals the raw text/csv upload of the same rows', async () => {
    const [a, b] = [await world(2), await world(2)];
    const viaSdk = await sdkFor(s).token.batchAssignTokens({ attrs: { csv: a.csv([1, 2]) } });
    const raw = await uploadCsv(s, b.csv([1, 2]));
    expect(viaSdk).toEqual({ total: 2, assigned: 2, failed: 0, errors: [] });
    expect(raw.body).toEqual({ error: 0, result: viaSdk });
    expect(await assignmentsOf(s, a.prefix)).toHaveLength(2);
  });

  it('when the file is streamed from disk with batchAssignTokensFromCsv in partial mode then good rows are written and bad ones listed', async () => {
    const w = await world(3);
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-sdk-'));
    const file = join(dir, 'assign.csv');
    writeFileSync(file, w.csv([1, 2], [`${w.name},u3,DN,ST,NO-SUCH-SERIAL,,`]));
    const result = await sdkFor(s).token.batchAssignTokensFromCsv(createReadStream(file), { mode: 'partial' })
      .finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(result).toEqual({ total: 3, assigned: 2, failed: 1, errors: [{ line: 4, serial: 'NO-SUCH-SERIAL', name: 'TOKEN_NOT_FOUND', message: expect.any(String) }] });
    expect((await assignmentsOf(s, w.prefix)).map((r) => r.loginName)).toEqual(['u1', 'u2']);
  });

  it('when an atomic upload has a bad row then BATCH_REJECTED (422) carries every bad row, and nothing is written', async () => {
    const w = await world(2);
    const err = await sdkFor(s).token.batchAssignTokensFromCsv(w.csv([1], [`${w.name},nobody,DN,ST,${w.prefix}-2,,`])).catch((e) => e);
    expect(err).toBeInstanceOf(TokengateError);
    expect(err).toMatchObject({ name: 'BATCH_REJECTED', code: 7002, status: 422, data: { total: 2, assigned: 0, failed: 1 } });
    expect(err.data.errors).toEqual([{ line: 3, serial: `${w.prefix}-2`, name: 'USER_NOT_FOUND', message: expect.any(String) }]);
    expect(await assignmentsOf(s, w.prefix)).toEqual([]);
  });
});

describe('SDK: tg.batch (one JSON-RPC batch)', () => {
  it('when several calls are batched then one request carries them, they run in order, and each answers in its place', async () => {
    let requests = 0;
    const counting: typeof fetch = (input, init) => { requests += 1; return fetch(input, init); };
    const tg = sdkFor(s, s.adminKey, counting);
    const [created, missing, found, alias] = await tg.batch((b) => [
      b.domain.create({ attrs: { name: 'batched domain' } }),
      b.domain.get({ id: '00000000-0000-4000-8000-000000000000' }),
      b.domain.search({ match: [['name', '=', 'batched domain']], return: ['name'] }),
      b.users.verifyToken('tgu_not-a-token'),
    ]);
    expect(requests).toBe(1);
    expect(created).toEqual({ id: expect.any(String) });
    expect(missing).toBeInstanceOf(TokengateError);
    expect(missing).toMatchObject({ name: 'DOMAIN_NOT_FOUND', code: 4003, status: 404 });
    expect(found).toEqual({ total: 1, rows: [{ name: 'batched domain' }] });
    expect(alias).toEqual({ active: false });
  });

  it('when the batch is empty then no request is sent and the answer is empty', async () => {
    let requests = 0;
    const tg = sdkFor(s, s.adminKey, (input, init) => { requests += 1; return fetch(input, init); });
    expect(await tg.batch(() => [])).toEqual([]);
    expect(requests).toBe(0);
  });

  it('when the batch holds more calls than the server allows then it rejects with INVALID_REQUEST and data.max, and none runs', async () => {
    const tg = sdkFor(s);
    const err = await tg.batch((b) => Array.from({ length: 101 }, (_, i) => b.domain.create({ attrs: { name: `sdk over limit ${i}` } }))).catch((e) => e);
    expect(err).toBeInstanceOf(TokengateError);
    expect(err).toMatchObject({ name: 'INVALID_REQUEST', code: -32600, data: { max: 100 } });
    expect(await s.db.query(`SELECT count(*)::int AS n FROM domains WHERE name LIKE 'sdk over limit%'`)).toEqual([{ n: 0 }]);
  });

  it('when the key is unknown then every call of the batch answers UNAUTHENTICATED', async () => {
    const results = await sdkFor(s, 'tgk_unknown').batch((b) => [b.domain.search(), b.product.search()]);
    expect(results.map((r) => isTokengateError(r, 'UNAUTHENTICATED'))).toEqual([true, true]);
  });
});

describe('SDK: TokengateError', () => {
  it('when no key is given then UNAUTHENTICATED (401); with a key lacking the scope then FORBIDDEN (403)', async () => {
    await expect(createClient({ url: s.url }).domain.search()).rejects.toMatchObject({ name: 'UNAUTHENTICATED', status: 401, code: 2001 });
    const tg = sdkFor(s, await s.keyWith(['device']));
    await expect(tg.domain.search()).rejects.toMatchObject({ name: 'FORBIDDEN', status: 403, code: 3001 });
  });

  it('when params break the schema (sent untyped) then the catalog name and ajv\'s details in data', async () => {
    const tg = sdkFor(s);
    const err = await tg.callUnchecked('/domain/create', { attrs: { name: '' } }).then(() => undefined, (e: TokengateError) => e);
    expect(err).toMatchObject({ name: 'INVALID_PARAMS', code: -32602, status: 400, data: { errors: expect.any(Array) } });
    expect(err?.data).not.toHaveProperty('name');
    await expect(tg.callUnchecked('/domain/create', { attrs: { name: 'x' }, extra: 1 })).rejects.toMatchObject({ name: 'QUERY_FIELD_NOT_ALLOWED' });
    await expect(tg.callUnchecked('/no/such')).rejects.toMatchObject({ name: 'METHOD_NOT_FOUND', status: 404 });
  });

  it('when the server cannot be reached then NETWORK_ERROR; when the path is not tokengate\'s then its NOT_FOUND', async () => {
    const closedPort = await freePort();
    await expect(createClient({ url: `http://127.0.0.1:${closedPort}` }).domain.search())
      .rejects.toMatchObject({ name: 'NETWORK_ERROR', status: 0, message: expect.stringContaining('ECONNREFUSED') });
    await expect(createClient({ url: `${s.url}/nowhere` }).domain.search()).rejects.toMatchObject({ name: 'NOT_FOUND', status: 404 });
  });

  it('when something else answers (a proxy\'s error page) then HTTP_ERROR with its status', async () => {
    const proxy = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const err = await createClient({ url }).domain.search().catch((e) => e);
      expect(err).toBeInstanceOf(TokengateError);
      expect(err).toMatchObject({ name: 'HTTP_ERROR', status: 502, data: { body: '<h1>Bad Gateway</h1>' } });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
