import { defineMethod } from '../../contract/method';
import { deleteUser } from '../../services/directory/users';

export default defineMethod<'/user/delete'>({
  name: '/user/delete',
  scope: 'directory',
  handler: ({ db, params }) => deleteUser(db, params.id),
});
