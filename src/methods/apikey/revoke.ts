import { defineMethod } from '../../contract/method';
import { revokeApiKey } from '../../services/apikeys/api-keys';

export default defineMethod<{ id: string }>({
  name: '/apikey/revoke',
  scope: 'admin',
  handler: ({ db, params }) => revokeApiKey(db, params.id),
});
