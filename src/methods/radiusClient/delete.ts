import { defineMethod } from '../../contract/method';
import { deleteRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<'/radiusClient/delete'>({
  name: '/radiusClient/delete',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => deleteRadiusClient(db, params.id),
});
