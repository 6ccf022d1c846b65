import { defineMethod } from '../../contract/method';
import { resetToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget, type TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef; attrs?: { counter?: number | string } }>({
  name: '/token/reset',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params }) => resetToken(db, params, params.attrs?.counter),
});
