import { defineMethod } from '../../contract/method';
import { RadiusClientAttrs, setRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<{ id: string; attrs: Partial<RadiusClientAttrs> }>({
  name: '/radiusClient/set',
  scope: 'admin',
  handler: ({ db, keys, params }) => setRadiusClient(db, keys.masterKey, params.id, params.attrs),
});
