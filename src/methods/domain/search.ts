import { defineMethod } from '../../contract/method';
import { searchRecords } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<'/domain/search'>({
  name: '/domain/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, DOMAINS, params),
});
