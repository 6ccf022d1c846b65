import { defineMethod } from '../../contract/method';
import { confineToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget, type TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef }>({
  name: '/token/confine',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params }) => confineToken(db, params),
});
