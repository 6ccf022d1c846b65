import { defineMethod } from '../../contract/method';
import type { UserRef } from '../../services/directory/refs';
import { deleteToken } from '../../services/tokens/token-admin';
import { tokenAuditTarget, type TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef; user?: UserRef }>({
  name: '/token/delete',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, params, users }) => deleteToken(db, users, params, params.user),
});
