import { defineMethod } from '../../contract/method';
import { retrieveCredential } from '../../services/tokens/token-credentials';
import { tokenAuditTarget, type TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef; count?: number }>({
  name: '/token/retrieveCredential',
  scope: 'token:credential',
  auditTarget: tokenAuditTarget,
  transaction: 'none',
  handler: ({ db, keys, params }) => retrieveCredential(db, keys.masterKey, params, params.count),
});
