import { defineMethod } from '../../contract/method';
import { verifyUserOtp, VerifyInput } from '../../services/auth/verify-otp';

/** transaction 'handler': a failure commits the fail count and still answers AUTH_FAILED (see verify-otp.ts). */
export default defineMethod<VerifyInput>({
  name: '/auth/verify',
  scope: 'auth:verify',
  transaction: 'handler',
  auditTarget: ({ user }) => user?.id ?? (user ? `${user.domain?.name ?? user.domain?.id}/${user.loginName ?? user.loginNam}` : undefined),
  handler: ({ db, keys, params, rateLimits }) => verifyUserOtp(db, keys, params, rateLimits.verifyFailuresPerUser),
});
