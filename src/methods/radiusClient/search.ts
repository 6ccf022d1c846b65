import { defineMethod } from '../../contract/method';
import { searchRecords } from '../../services/directory/resource';
import { RADIUS_CLIENTS } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/search'>({
  name: '/radiusClient/search',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, RADIUS_CLIENTS, params),
});
