import { defineMethod } from '../../contract/method';
import { releaseToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget, type TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef }>({
  name: '/token/release',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params }) => releaseToken(db, params),
});
