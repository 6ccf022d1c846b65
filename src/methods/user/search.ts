import { defineMethod } from '../../contract/method';
import { searchRecords } from '../../services/directory/resource';
import { USERS } from '../../services/directory/users';

export default defineMethod<'/user/search'>({
  name: '/user/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, USERS, params),
});
