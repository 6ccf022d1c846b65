import { defineMethod } from '../../contract/method';
import { createRecord } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<'/repository/create'>({
  name: '/repository/create',
  scope: 'directory',
  handler: ({ db, params }) => createRecord(db, REPOSITORIES, params.attrs),
});
