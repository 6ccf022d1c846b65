import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { searchShareTokens } from '../../services/templates/template-search';

export default defineMethod<'/relationshipTemplate/searchTokens'>({
  name: '/relationshipTemplate/searchTokens',
  scope: 'template',
  transaction: 'none',
  handler: async ({ db, caller, params }) => searchShareTokens(db, await requireCallerIdentity(db, caller), params),
});
