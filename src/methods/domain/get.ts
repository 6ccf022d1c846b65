import { defineMethod } from '../../contract/method';
import { getRecord, GetParams } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<GetParams>({
  name: '/domain/get',
  scope: 'directory',
  readOnly: true,
  handler: ({ db, params }) => getRecord(db, DOMAINS, params),
});
