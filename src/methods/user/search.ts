import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { searchRecords } from '../../services/directory/resource';
import { USERS } from '../../services/directory/users';

export default defineMethod<SearchParams>({
  name: '/user/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, USERS, params),
});
