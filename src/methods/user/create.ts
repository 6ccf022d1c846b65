import { defineMethod } from '../../contract/method';
import { createUser } from '../../services/directory/users';

export default defineMethod<'/user/create'>({
  name: '/user/create',
  scope: 'directory',
  handler: ({ db, params, users }) => createUser(db, users, params.attrs),
});
