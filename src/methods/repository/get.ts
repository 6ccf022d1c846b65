import { defineMethod } from '../../contract/method';
import { getRecord, GetParams } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<GetParams>({
  name: '/repository/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, REPOSITORIES, params),
});
