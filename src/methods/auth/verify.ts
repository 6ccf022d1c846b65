import { defineMethod } from '../../contract/method';
import { verifyUserOtp, VerifyInput } from '../../services/auth/verify-otp';

/** ownsTransaction: a failure commits the fail count and still answers AUTH_FAILED (see verify-otp.ts). */
export default defineMethod<VerifyInput>({
  name: '/auth/verify',
  scope: 'auth:verify',
  ownsTransaction: true,
  auditTarget: ({ user }) => user?.id ?? (user ? `${user.domain?.name ?? user.domain?.id}/${user.loginName ?? user.loginNam}` : undefined),
  handler: ({ db, keys, params }) => verifyUserOtp(db, keys.masterKey, params),
});
