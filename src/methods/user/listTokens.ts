import { defineMethod } from '../../contract/method';
import { listUserTokens, OwnerParams } from '../../services/user-tokens/user-tokens';

export default defineMethod<OwnerParams>({
  name: '/user/listTokens',
  scope: 'user:token',
  readOnly: true,
  handler: ({ db, params }) => listUserTokens(db, params),
});
