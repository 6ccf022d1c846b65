import { defineMethod } from '../../contract/method';
import { getRecord, GetParams } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<GetParams>({
  name: '/domain/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, DOMAINS, params),
});
