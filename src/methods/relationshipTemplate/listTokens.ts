import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { listShareTokens } from '../../services/templates/share-tokens';

export default defineMethod<'/relationshipTemplate/listTokens'>({
  name: '/relationshipTemplate/listTokens',
  scope: 'template',
  auditTarget: (params) => params.templateId,
  transaction: 'none',
  handler: async ({ db, caller, params }) => listShareTokens(db, await requireCallerIdentity(db, caller), params.templateId),
});
