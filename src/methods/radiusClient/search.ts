import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { searchRadiusClients } from '../../services/radius/radius-clients';

export default defineMethod<SearchParams>({
  name: '/radiusClient/search',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => searchRadiusClients(db, params),
});
