import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { searchTemplates } from '../../services/templates/template-search';

export default defineMethod<'/relationshipTemplate/search'>({
  name: '/relationshipTemplate/search',
  scope: 'template',
  transaction: 'none',
  handler: async ({ db, caller, params }) => searchTemplates(db, await requireCallerIdentity(db, caller), params),
});
