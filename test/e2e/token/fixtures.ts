import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usernameKey } from '../../../src/domain/names/username-key';
import { base32Decode, generateHotp, generateTotp, type OtpAlgorithm } from '../../../src/domain/otp';
import type { TestServer } from '../../support/server';

/**
 * Test data for the OTP families, written with SQL so these tests do not depend on the
 * directory methods. Every name carries a random suffix: tests in a file share a database.
 */
export const PSKC_DIR = join(__dirname, '../../fixtures/pskc');
export const pskcFile = (name: string) => readFileSync(join(PSKC_DIR, name), 'utf8');

const suffix = () => Math.random().toString(36).slice(2, 8);

export async function makeUser(s: TestServer, opts: { loginName?: string; domain?: string; status?: string } = {}) {
  const domainName = opts.domain ?? `dom-${suffix()}`;
  const [domain] = await s.db.query(
    `INSERT INTO domains (name, name_key) VALUES ($1, $2) ON CONFLICT (name_key) WHERE deleted_at IS NULL DO UPDATE SET name = EXCLUDED.name RETURNING id, name`,
    [domainName, usernameKey(domainName)]);
  const loginName = opts.loginName ?? `user-${suffix()}`;
  const [user] = await s.db.query(
    `INSERT INTO users (domain_id, login_name, login_name_key, status) VALUES ($1, $2, $3, $4) RETURNING id`,
    [domain.id, loginName, usernameKey(loginName), opts.status ?? 'ACTIVE']);
  return { id: user.id as string, loginName, domain: { id: domain.id as string, name: domain.name as string } };
}

export async function makeRepository(s: TestServer, name = `repo-${suffix()}`) {
  const [row] = await s.db.query(`INSERT INTO repositories (name) VALUES ($1) RETURNING id, name`, [name]);
  return row as { id: string; name: string };
}

export async function setProductPolicy(s: TestServer, codes: string, policy: { authWindow?: number; maxFail?: number }) {
  const [mc, pc] = codes.split('/');
  await s.db.query(
    `UPDATE products SET auth_window = coalesce($3, auth_window), max_fail = coalesce($4, max_fail)
      WHERE manufacturer_code = $1 AND product_code = $2`, [mc, pc, policy.authWindow ?? null, policy.maxFail ?? null]);
}

/** A software token for a new user, and its seed read back through a single-use download. */
export async function softwareTokenWithSeed(s: TestServer, opts: { product?: string; pin?: string; user?: Awaited<ReturnType<typeof makeUser>> } = {}) {
  const user = opts.user ?? await makeUser(s);
  const [manufacturerCode, productCode] = (opts.product ?? 'DN/MT').split('/');
  const token = await s.call('/token/create', {
    attrs: { product: { manufacturerCode, productCode }, user: { id: user.id }, ...(opts.pin ? { pin: opts.pin } : {}) },
  });
  const { url } = await s.call('/token/getDownloadUrl', { token: { serial: token.serial } });
  const payload: any = await (await fetch(url, { headers: { accept: 'application/json' } })).json();
  const uri = new URL(payload.otpauthUri);
  const seed = base32Decode(uri.searchParams.get('secret')!);
  const algorithm = uri.searchParams.get('algorithm') as OtpAlgorithm;
  const digits = Number(uri.searchParams.get('digits'));
  const period = Number(uri.searchParams.get('period') ?? 30);
  return {
    user, token, seed, uri,
    totp: (timeSeconds = Date.now() / 1000) => generateTotp(seed, timeSeconds, { algorithm, digits, period }),
    hotp: (counter: number) => generateHotp(seed, counter, { algorithm, digits }),
  };
}

/** Imports OATH CSV text and answers the import result. */
export function importCsv(s: TestServer, lines: string[], attrs: Record<string, unknown> = {}) {
  return s.rpc('/token/create', { attrs: { data: lines.join('\n'), ...attrs } });
}

export async function tokenRow(s: TestServer, serial: string) {
  const [row] = await s.db.query(
    `SELECT id, counter::float8 AS counter, drift, last_step::float8 AS "lastStep", fail_count AS "failCount", locked, confined, status
       FROM tokens WHERE serial = $1`, [serial]);
  return row;
}

/** Twenty 40-hex-digit RFC 4226 seed ("12345678901234567890"). */
export const RFC4226_SEED_HEX = Buffer.from('12345678901234567890').toString('hex');
/** RFC 4226 appendix D: HOTP values for counters 0…9. */
export const RFC4226_CODES = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
