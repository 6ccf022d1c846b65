import { defineMethod } from '../../contract/method';
import { deleteUnlessUsedByTokens } from '../../services/directory/resource';
import { REPOSITORIES } from '../../services/directory/repositories';

export default defineMethod<'/repository/delete'>({
  name: '/repository/delete',
  scope: 'directory',
  handler: ({ db, params }) => deleteUnlessUsedByTokens(db, REPOSITORIES, params.id, 'repository_id'),
});
