import { defineMethod } from '../../contract/method';
import { OwnerParams, revokeUserTokens } from '../../services/user-tokens/user-tokens';

export default defineMethod<OwnerParams>({
  name: '/user/revokeTokens',
  scope: 'user:token',
  handler: ({ db, params }) => revokeUserTokens(db, params),
});
