import { defineMethod } from '../../contract/method';
import { verifyUserToken } from '../../services/user-tokens/user-tokens';

export default defineMethod<'/user/verifyToken'>({
  name: '/user/verifyToken',
  scope: 'user:token',
  // One UPDATE … RETURNING is atomic on its own (it also slides the expiry), so the
  // hot path skips the BEGIN/COMMIT round trips of a wrapping transaction.
  transaction: 'none',
  auditTarget: (_params, result) => (result?.active ? result.userId : undefined),
  handler: ({ db, keys, params }) => verifyUserToken(db, keys.pepper, params.token),
});
