import { defineMethod } from '../../contract/method';
import { setRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/set'>({
  name: '/radiusClient/set',
  scope: 'admin',
  handler: ({ db, keys, params }) => setRadiusClient(db, keys.masterKey, params.id, params.attrs),
});
