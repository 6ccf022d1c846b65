import { defineMethod } from '../../contract/method';
import { revokeUserToken } from '../../services/user-tokens/user-tokens';

export default defineMethod<'/user/revokeToken'>({
  name: '/user/revokeToken',
  scope: 'user:token',
  auditTarget: (params) => params.tokenId,
  handler: ({ db, params }) => revokeUserToken(db, params.tokenId),
});
