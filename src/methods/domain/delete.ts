import { defineMethod } from '../../contract/method';
import { deleteDomain } from '../../services/directory/domains';

export default defineMethod<'/domain/delete'>({
  name: '/domain/delete',
  scope: 'directory',
  changesDomain: true,
  handler({ db, params }) {
    return deleteDomain(db, params.id, params.attrs?.cascade === true);
  },
});
