import { defineMethod } from '../../contract/method';
import { createApiKey } from '../../services/apikeys/api-keys';

export default defineMethod<'/apikey/create'>({
  name: '/apikey/create',
  scope: 'admin',
  auditTarget: (_params, result) => result?.id,
  handler: ({ db, keys, params }) => createApiKey(db, keys.pepper, params.attrs),
});
