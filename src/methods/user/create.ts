import { defineMethod } from '../../contract/method';
import type { DomainRef } from '../../services/directory/refs';
import { createUser, UserAttrs } from '../../services/directory/users';

export default defineMethod<{ attrs: UserAttrs & { domain: DomainRef } }>({
  name: '/user/create',
  scope: 'directory',
  handler: ({ db, params, users }) => createUser(db, users, params.attrs),
});
