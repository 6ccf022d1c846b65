import { defineMethod } from '../../contract/method';
import { getRecord } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<'/repository/get'>({
  name: '/repository/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, REPOSITORIES, params),
});
