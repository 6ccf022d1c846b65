import { defineMethod } from '../../contract/method';
import { searchRadiusClients } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/search'>({
  name: '/radiusClient/search',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => searchRadiusClients(db, params),
});
