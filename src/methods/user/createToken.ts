import { defineMethod } from '../../contract/method';
import { createUserToken } from '../../services/user-tokens/user-tokens';

export default defineMethod<'/user/createToken'>({
  name: '/user/createToken',
  scope: 'user:token',
  // expiryType and ttl have schema defaults, filled in by validation before the handler runs.
  handler: ({ db, keys, params: { expiryType, ttl, ...owner }, config }) =>
    createUserToken(db, keys.pepper, { ...owner, expiryType: expiryType!, ttl: ttl! }, config.userTokenMaxTtl),
});
