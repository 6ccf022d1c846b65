import { defineMethod } from '../../contract/method';
import { revokeApiKey } from '../../services/apikeys/api-keys';

export default defineMethod<'/apikey/revoke'>({
  name: '/apikey/revoke',
  revokesCredentials: true,
  scope: 'admin',
  handler: ({ db, params }) => revokeApiKey(db, params.id),
});
