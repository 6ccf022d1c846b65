import { defineMethod } from '../../contract/method';
import { getRecord } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<'/domain/get'>({
  name: '/domain/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, DOMAINS, params),
});
