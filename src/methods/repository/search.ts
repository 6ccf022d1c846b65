import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { searchRecords } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<SearchParams>({
  name: '/repository/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, REPOSITORIES, params),
});
