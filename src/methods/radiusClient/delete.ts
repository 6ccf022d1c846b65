import { defineMethod } from '../../contract/method';
import { deleteRadiusClient } from '../../services/radius/radius-clients';

export default defineMethod<{ id: string }>({
  name: '/radiusClient/delete',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => deleteRadiusClient(db, params.id),
});
