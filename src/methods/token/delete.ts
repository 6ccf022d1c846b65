import { defineMethod } from '../../contract/method';
import { deleteToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/delete'>({
  name: '/token/delete',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params, users }) => deleteToken(db, users, params, params.user),
});
