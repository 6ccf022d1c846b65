import { defineMethod } from '../../contract/method';
import { setRecord } from '../../services/directory/resource';
import { DOMAINS } from '../../services/directory/domains';

export default defineMethod<'/domain/set'>({
  name: '/domain/set',
  scope: 'directory',
  handler: ({ db, params }) => setRecord(db, DOMAINS, params.id, params.attrs),
});
