import { defineMethod } from '../../contract/method';
import { createRadiusClient, RadiusClientAttrs } from '../../services/radius/radius-clients';

export default defineMethod<{ attrs: RadiusClientAttrs }>({
  name: '/radiusClient/create',
  scope: 'admin',
  handler: ({ db, keys, params }) => createRadiusClient(db, keys.masterKey, params.attrs),
});
