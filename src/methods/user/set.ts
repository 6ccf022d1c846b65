import { defineMethod } from '../../contract/method';
import { setUser } from '../../services/directory/users';

export default defineMethod<'/user/set'>({
  name: '/user/set',
  scope: 'directory',
  handler: ({ db, params, users }) => setUser(db, users, params.id, params.attrs),
});
