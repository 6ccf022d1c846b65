import { defineMethod } from '../../contract/method';
import { createRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/create'>({
  name: '/radiusClient/create',
  scope: 'admin',
  handler: ({ db, keys, params }) => createRadiusClient(db, keys.masterKey, params.attrs),
});
