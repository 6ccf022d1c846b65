import { defineMethod } from '../../contract/method';
import { setUser, UserAttrs } from '../../services/directory/users';

export default defineMethod<{ id: string; attrs: UserAttrs }>({
  name: '/user/set',
  scope: 'directory',
  handler: ({ db, params, users }) => setUser(db, users, params.id, params.attrs),
});
