import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { loadShareToken } from '../../services/templates/load-token';
import { tokenIdOf } from '../../services/templates/reference';

export default defineMethod<'/relationshipTemplate/loadToken'>({
  name: '/relationshipTemplate/loadToken',
  scope: 'template',
  // No gateway transaction: failed password guesses must stay counted although the
  // call fails (see services/templates/load-token.ts).
  transaction: 'handler',
  // The token id, never the reference: the reference is the bearer secret.
  auditTarget: (params) => tokenIdOf(params.reference),
  handler: async ({ db, caller, keys, params, config }) => loadShareToken(
    db, keys.pepper, await requireCallerIdentity(db, caller), params.reference, params.password, config.rateLimits.passwordFailuresPerToken),
});
