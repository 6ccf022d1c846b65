import { defineMethod } from '../../contract/method';
import { createDomain } from '../../services/directory/domain-directory';

export default defineMethod<'/domain/create'>({
  name: '/domain/create',
  scope: 'directory',
  changesDomain: true,
  handler({ db, keys, params }) {
    return createDomain(db, keys.masterKey, params.attrs);
  },
});
