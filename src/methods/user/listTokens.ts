import { defineMethod } from '../../contract/method';
import { listUserTokens } from '../../services/user-tokens/user-tokens';

export default defineMethod<'/user/listTokens'>({
  name: '/user/listTokens',
  scope: 'user:token',
  transaction: 'none',
  handler: ({ db, params }) => listUserTokens(db, params),
});
