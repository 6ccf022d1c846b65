import { defineMethod } from '../../contract/method';
import { getRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/get'>({
  name: '/radiusClient/get',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => getRadiusClient(db, params),
});
