import type { ServerKeys } from '../../contract/method';
import { pinMatches } from './pin-check';
import type { Candidate } from './verify-candidates';

/**
 * The tokens whose PIN is exactly `password` (RADIUS challenge-response, SPEC §10: the PIN
 * alone asks for the OTP next). It spends nothing and counts nothing: it only reads the
 * hashes. Tokens without a PIN never answer, so a user without PINs gets no challenge.
 */
export async function tokensWithExactPin(keys: ServerKeys, open: readonly Candidate[], password: string): Promise<string[]> {
  const ids: string[] = [];
  for (const token of open) {
    if (token.pinHash && (await pinMatches(keys.pepper, token.pinHash, password)).matches) ids.push(token.id);
  }
  return ids;
}
