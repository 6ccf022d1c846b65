import { defineMethod } from '../../contract/method';
import { getToken } from '../../services/tokens/token-view';

export default defineMethod<'/token/get'>({
  name: '/token/get',
  scope: 'token:read',
  transaction: 'none',
  handler: ({ db, params }) => getToken(db, params),
});
