import { defineMethod } from '../../contract/method';
import { revokeUserTokens } from '../../services/user-tokens/user-tokens';

export default defineMethod<'/user/revokeTokens'>({
  name: '/user/revokeTokens',
  scope: 'user:token',
  handler: ({ db, params }) => revokeUserTokens(db, params),
});
