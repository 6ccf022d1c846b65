import { defineMethod } from '../../contract/method';
import { setDomain } from '../../services/directory/domain-directory';

export default defineMethod<'/domain/set'>({
  name: '/domain/set',
  scope: 'directory',
  async handler({ db, keys, params, users }) {
    const domain = await setDomain(db, keys.masterKey, params.id, params.attrs);
    users.forgetDomain(params.id);
    return domain;
  },
});
