import { defineMethod } from '../../contract/method';
import { revokeSessionToken } from '../../services/devices/session-tokens';

export default defineMethod<'/device/revokeToken'>({
  name: '/device/revokeToken',
  revokesCredentials: true,
  scope: 'device',
  allowDevices: true,
  handler: ({ db, keys, caller, params }) => revokeSessionToken(db, keys.pepper, caller, params.uuid, params.token),
});
