import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { requireCallerIdentity } from '../../services/templates/identities';
import { searchShareTokens } from '../../services/templates/template-search';

export default defineMethod<SearchParams>({
  name: '/relationshipTemplate/searchTokens',
  scope: 'template',
  transaction: 'none',
  handler: async ({ db, caller, params }) => searchShareTokens(db, await requireCallerIdentity(db, caller), params),
});
