import { defineMethod } from '../../contract/method';
import { tokenAuditTarget } from '../../services/tokens/token-refs';
import { syncToken } from '../../services/tokens/token-sync';

export default defineMethod<'/token/syncToken'>({
  name: '/token/syncToken',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, keys, params, users }) =>
    syncToken(db, keys.masterKey, { selector: params, user: params.user, credential: params.credential, users }),
});
