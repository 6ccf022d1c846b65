import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { searchRecords } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<SearchParams>({
  name: '/domain/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, DOMAINS, params),
});
