import { defineMethod } from '../../contract/method';
import { deleteDomain } from '../../services/directory/domains';

export default defineMethod<'/domain/delete'>({
  name: '/domain/delete',
  scope: 'directory',
  handler: ({ db, params }) => deleteDomain(db, params.id, params.attrs?.cascade === true),
});
