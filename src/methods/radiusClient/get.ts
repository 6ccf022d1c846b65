import { defineMethod } from '../../contract/method';
import { getRecord } from '../../services/directory/resource';
import { RADIUS_CLIENTS } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/get'>({
  name: '/radiusClient/get',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, RADIUS_CLIENTS, params),
});
