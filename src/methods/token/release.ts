import { defineMethod } from '../../contract/method';
import { releaseToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/release'>({
  name: '/token/release',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params }) => releaseToken(db, params),
});
