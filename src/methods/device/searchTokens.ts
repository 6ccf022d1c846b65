import { defineMethod } from '../../contract/method';
import { searchSessionTokens } from '../../services/devices/session-tokens';

export default defineMethod<'/device/searchTokens'>({
  name: '/device/searchTokens',
  scope: 'device',
  allowDevices: true,
  transaction: 'none',
  handler: ({ db, caller, params }) => searchSessionTokens(db, caller, params.uuid, params),
});
