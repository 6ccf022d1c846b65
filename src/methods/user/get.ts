import { defineMethod } from '../../contract/method';
import { getUser } from '../../services/directory/users';

export default defineMethod<'/user/get'>({
  name: '/user/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params, users }) => getUser(db, users, params),
});
