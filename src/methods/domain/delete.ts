import { defineMethod } from '../../contract/method';
import { deleteDomain } from '../../services/directory/domains';

export default defineMethod<'/domain/delete'>({
  name: '/domain/delete',
  scope: 'directory',
  async handler({ db, params, users }) {
    const deleted = await deleteDomain(db, params.id, params.attrs?.cascade === true);
    users.forgetDomain(params.id);
    return deleted;
  },
});
