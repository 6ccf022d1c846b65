import { defineMethod } from '../../contract/method';
import { setDomain } from '../../services/directory/domain-directory';

export default defineMethod<'/domain/set'>({
  name: '/domain/set',
  scope: 'directory',
  changesDomain: true,
  handler({ db, keys, params }) {
    return setDomain(db, keys.masterKey, params.id, params.attrs);
  },
});
