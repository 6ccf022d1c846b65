import { defineMethod } from '../../contract/method';
import { setRecord } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<'/repository/set'>({
  name: '/repository/set',
  scope: 'directory',
  handler: ({ db, params }) => setRecord(db, REPOSITORIES, params.id, params.attrs),
});
