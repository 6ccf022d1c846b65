import type { Db } from '../../db';
import { otpType } from '../../domain/otp';
import { findToken, TokenSelector } from './token-refs';
import { unsealSeed } from './token-seeds';

/**
 * /token/retrieveCredential: codes for delivery through the client's own channel (SMS,
 * e-mail). HOTP: `count` codes from the next expected counter on (nothing is consumed:
 * the code is consumed when it is verified). TOTP: the code of the current step, drift applied.
 */
export async function retrieveCredential(
  db: Db, masterKey: Buffer, selector: TokenSelector, count = 1, nowSeconds = Date.now() / 1000,
): Promise<{ otps: string[] }> {
  const token = await findToken(db, selector);
  return { otps: otpType(token.type).codes(unsealSeed(masterKey, token.seedSealed, token.id), token, count, nowSeconds) };
}
