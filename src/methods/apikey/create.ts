import { defineMethod } from '../../contract/method';
import { createApiKey, NewApiKey } from '../../services/apikeys/api-keys';

export default defineMethod<{ attrs: NewApiKey }>({
  name: '/apikey/create',
  scope: 'admin',
  auditTarget: (_params, result) => result?.id,
  handler: ({ db, keys, params }) => createApiKey(db, keys.pepper, params.attrs),
});
