import { defineMethod } from '../../contract/method';
import { setUser } from '../../services/directory/users';

export default defineMethod<'/user/set'>({
  name: '/user/set',
  scope: 'directory',
  handler: ({ db, params }) => setUser(db, params.id, params.attrs),
});
