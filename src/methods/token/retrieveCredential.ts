import { defineMethod } from '../../contract/method';
import { retrieveCredential } from '../../services/tokens/token-credentials';
import { tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/retrieveCredential'>({
  name: '/token/retrieveCredential',
  scope: 'token:credential',
  auditTarget: tokenAuditTarget,
  transaction: 'none',
  handler: ({ db, keys, params }) => retrieveCredential(db, keys.masterKey, params, params.count),
});
