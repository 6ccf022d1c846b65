import type { EntityManager } from 'typeorm';
import { generateHotp, generateTotp, MAX_STORED_HOTP_COUNTER } from '../../domain/otp';
import { findToken, TokenSelector } from './token-refs';
import { unsealSeed } from './token-seeds';

/**
 * /token/retrieveCredential: codes for delivery through the client's own channel (SMS,
 * e-mail). HOTP: `count` codes from the next expected counter on (nothing is consumed:
 * the code is consumed when it is verified). TOTP: the code of the current step, drift applied.
 */
export async function retrieveCredential(
  db: EntityManager, masterKey: Buffer, selector: TokenSelector, count = 1, nowSeconds = Date.now() / 1000,
): Promise<{ otps: string[] }> {
  const token = await findToken(db, selector);
  const secret = unsealSeed(masterKey, token.seedSealed, token.id);
  const opts = { algorithm: token.algorithm, digits: token.digits };
  if (token.type === 'HOTP') {
    // only counters /auth/verify can still accept (its next counter must fit the bigint column)
    const counters = Array.from({ length: count }, (_, i) => token.counter + BigInt(i)).filter((c) => c < MAX_STORED_HOTP_COUNTER);
    return { otps: counters.map((c) => generateHotp(secret, c, opts)) };
  }
  const time = Math.max(0, nowSeconds + token.drift * token.period);
  return { otps: [generateTotp(secret, time, { ...opts, period: token.period })] };
}
