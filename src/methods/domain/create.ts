import { defineMethod } from '../../contract/method';
import { createDomain } from '../../services/directory/domain-directory';

export default defineMethod<'/domain/create'>({
  name: '/domain/create',
  scope: 'directory',
  async handler({ db, keys, params, users }) {
    const created = await createDomain(db, keys.masterKey, params.attrs);
    users.forgetDomain(created.id); // a name looked up before it existed is not "no such domain" any more
    return created;
  },
});
