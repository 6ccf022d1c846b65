import { defineMethod } from '../../contract/method';
import { verifyUserOtp } from '../../services/auth/verify-otp';

/** No transaction: one snapshot SELECT, then a compare-and-set or the failure counts, each atomic on its own (see verify-otp.ts). */
export default defineMethod<'/auth/verify'>({
  name: '/auth/verify',
  scope: 'auth:verify',
  transaction: 'none',
  auditTarget: ({ user }) => user?.id ?? (user ? `${user.domain?.name ?? user.domain?.id}/${user.loginName ?? user.loginNam}` : undefined),
  handler: ({ db, keys, params, config, clock, users }) =>
    verifyUserOtp(db, keys, users, params, config.rateLimits.verifyFailuresPerUser, { nowSeconds: clock.now() / 1000 }),
});
