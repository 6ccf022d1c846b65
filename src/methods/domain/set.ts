import { defineMethod } from '../../contract/method';
import { DomainAttrs, setDomain } from '../../services/directory/domain-directory';

export default defineMethod<{ id: string; attrs: DomainAttrs }>({
  name: '/domain/set',
  scope: 'directory',
  async handler({ db, keys, params, users }) {
    const domain = await setDomain(db, keys.masterKey, params.id, params.attrs);
    users.forgetDomain(params.id);
    return domain;
  },
});
