import { defineMethod } from '../../contract/method';
import { deleteUser } from '../../services/directory/users';

export default defineMethod<{ id: string }>({
  name: '/user/delete',
  scope: 'directory',
  handler: ({ db, params }) => deleteUser(db, params.id),
});
