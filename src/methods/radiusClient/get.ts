import { defineMethod } from '../../contract/method';
import type { GetParams } from '../../services/directory/resource';
import { getRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<GetParams>({
  name: '/radiusClient/get',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => getRadiusClient(db, params),
});
