import type { UserRef } from '../directory/refs';

/**
 * The bucket of a user's failed verifications. A reference to no user gets a bucket of
 * its own, so it is limited exactly as a real user would be: RATE_LIMITED must not tell
 * an existing user from an unknown one any more than AUTH_FAILED does.
 */
export function verifyFailureBucket(userId: string | undefined, ref: UserRef): string {
  const who = userId ?? ref.id?.toLowerCase() ?? `${ref.domain?.id ?? ref.domain?.name}/${ref.loginName ?? ref.loginNam}`;
  return `verify-fail:user:${who}`;
}
