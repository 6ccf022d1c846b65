import { defineMethod } from '../../contract/method';
import { AppError, E } from '../../errors';
import { assignToken } from '../../services/tokens/assignments';
import { findToken, tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/assign'>({
  name: '/token/assign',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  async handler({ db, params, users }) {
    const token = await findToken(db, params, { lock: true });
    // as /token/batchAssignTokens: a DECEASED token is retired for good
    if (token.status === 'DECEASED') throw AppError.of(E.CONFLICT, { reason: 'DECEASED' }, 'The token is DECEASED and cannot be assigned');
    const user = await users.find(db, params.user, { lock: 'share' });
    const { role } = await assignToken(db, { tokenId: token.id, userId: user.id, pin: params.pin, shared: params.shared });
    return { id: token.id, serial: token.serial, user: { id: user.id }, role };
  },
});
