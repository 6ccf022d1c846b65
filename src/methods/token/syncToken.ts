import { defineMethod } from '../../contract/method';
import type { UserRef } from '../../services/directory/refs';
import { tokenAuditTarget, type TokenSerialRef } from '../../services/tokens/token-refs';
import { syncToken } from '../../services/tokens/token-sync';

export default defineMethod<{ id?: string; token?: TokenSerialRef; user?: UserRef; credential: string }>({
  name: '/token/syncToken',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, keys, params, users }) =>
    syncToken(db, keys.masterKey, { selector: params, user: params.user, credential: params.credential, users }),
});
