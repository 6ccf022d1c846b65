import { defineMethod } from '../../contract/method';
import { deleteDomain } from '../../services/directory/domains';

export default defineMethod<{ id: string; attrs?: { cascade?: boolean } }>({
  name: '/domain/delete',
  scope: 'directory',
  handler: ({ db, params }) => deleteDomain(db, params.id, params.attrs?.cascade === true),
});
