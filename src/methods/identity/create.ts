import { defineMethod } from '../../contract/method';
import { createIdentity } from '../../services/templates/identities';

export default defineMethod<'/identity/create'>({
  name: '/identity/create',
  scope: 'admin',
  auditTarget: (_params, result) => result?.address,
  handler: ({ db, params }) => createIdentity(db, params.attrs),
});
