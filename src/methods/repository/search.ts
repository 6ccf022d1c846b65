import { defineMethod } from '../../contract/method';
import { searchRecords } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<'/repository/search'>({
  name: '/repository/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, REPOSITORIES, params),
});
