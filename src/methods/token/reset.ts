import { defineMethod } from '../../contract/method';
import { resetToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/reset'>({
  name: '/token/reset',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params }) => resetToken(db, params, params.attrs?.counter),
});
