import { defineMethod } from '../../contract/method';
import { createUserToken, NewUserToken } from '../../services/user-tokens/user-tokens';

export default defineMethod<NewUserToken>({
  name: '/user/createToken',
  scope: 'user:token',
  handler: ({ db, keys, params, config }) => createUserToken(db, keys.pepper, params, config.userTokenMaxTtl),
});
