import { defineMethod } from '../../contract/method';
import { listUserTokens, OwnerParams } from '../../services/user-tokens/user-tokens';

export default defineMethod<OwnerParams>({
  name: '/user/listTokens',
  scope: 'user:token',
  transaction: 'none',
  handler: ({ db, params }) => listUserTokens(db, params),
});
