import { defineMethod } from '../../contract/method';
import { getUser, UserGetParams } from '../../services/directory/users';

export default defineMethod<UserGetParams>({
  name: '/user/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params, users }) => getUser(db, users, params),
});
