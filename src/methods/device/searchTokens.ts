import { defineMethod } from '../../contract/method';
import { searchSessionTokens } from '../../services/devices/session-tokens';

export default defineMethod<{ uuid: string; tag?: string; offset?: number; limit?: number }>({
  name: '/device/searchTokens',
  scope: 'device',
  allowDevices: true,
  transaction: 'none',
  handler: ({ db, caller, params }) => searchSessionTokens(db, caller, params.uuid, params),
});
