import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { requireCallerIdentity } from '../../services/templates/identities';
import { searchTemplates } from '../../services/templates/template-search';

export default defineMethod<SearchParams & { isOwn?: boolean }>({
  name: '/relationshipTemplate/search',
  scope: 'template',
  transaction: 'none',
  handler: async ({ db, caller, params }) => searchTemplates(db, await requireCallerIdentity(db, caller), params),
});
