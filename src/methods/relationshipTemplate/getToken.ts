import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { findOwnShareToken } from '../../services/templates/template-search';

export default defineMethod<'/relationshipTemplate/getToken'>({
  name: '/relationshipTemplate/getToken',
  scope: 'template',
  transaction: 'none',
  handler: async ({ db, caller, params }) => findOwnShareToken(db, await requireCallerIdentity(db, caller), params.id),
});
