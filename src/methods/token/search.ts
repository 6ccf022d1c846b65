import { defineMethod } from '../../contract/method';
import { searchTokens } from '../../services/tokens/token-view';

export default defineMethod<'/token/search'>({
  name: '/token/search',
  scope: 'token:read',
  transaction: 'none',
  handler: ({ db, params, users }) => searchTokens(db, users, params),
});
