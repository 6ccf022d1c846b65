import { defineMethod } from '../../contract/method';
import { directoryDomainOf, searchDirectoryUsers } from '../../services/directory/directory-user-search';
import { searchRecords } from '../../services/directory/resource';
import { USERS } from '../../services/directory/users';

export default defineMethod<'/user/search'>({
  name: '/user/search',
  scope: 'directory',
  transaction: 'none',
  async handler({ db, params, users }) {
    const domain = await directoryDomainOf(db, users, params.match);
    return domain ? searchDirectoryUsers(db, domain, params) : searchRecords(db, USERS, params);
  },
});
