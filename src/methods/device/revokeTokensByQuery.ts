import { defineMethod } from '../../contract/method';
import { revokeSessionTokens } from '../../services/devices/session-tokens';

export default defineMethod<'/device/revokeTokensByQuery'>({
  name: '/device/revokeTokensByQuery',
  revokesCredentials: true,
  scope: 'device',
  allowDevices: true,
  handler: ({ db, caller, params }) => revokeSessionTokens(db, caller, params.uuid, params.id !== undefined ? { id: params.id } : { tag: params.tag! }),
});
