import { defineMethod } from '../../contract/method';
import { confineToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/confine'>({
  name: '/token/confine',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params }) => confineToken(db, params),
});
