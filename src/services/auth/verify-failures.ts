import { usernameKey } from '../../domain/names/username-key';
import type { UserRef } from '../directory/refs';

/**
 * The bucket of a user's failed verifications. A reference to no user gets a bucket of
 * its own, so it is limited exactly as a real user would be: RATE_LIMITED must not tell
 * an existing user from an unknown one any more than AUTH_FAILED does.
 */
export function verifyFailureBucket(userId: string | undefined, ref: UserRef): string {
  const loginName = ref.loginName ?? ref.loginNam;
  const domain = ref.domain?.id ?? (ref.domain?.name === undefined ? undefined : usernameKey(ref.domain.name));
  // By the names' keys: spelling a missing user another way does not open a fresh bucket.
  const who = userId ?? ref.id?.toLowerCase() ?? `${domain}/${loginName === undefined ? undefined : usernameKey(loginName)}`;
  return `verify-fail:user:${who}`;
}
