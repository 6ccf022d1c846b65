import { defineMethod } from '../../contract/method';
import { createRecord } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<'/domain/create'>({
  name: '/domain/create',
  scope: 'directory',
  handler: ({ db, params }) => createRecord(db, DOMAINS, params.attrs),
});
