import { defineMethod } from '../../contract/method';
import { resetRootToken } from '../../services/devices/root-token';

/** Meshblu's resetToken: a new root token for the device, the old one revoked (and the session tokens, when asked) → {uuid, token}. */
export default defineMethod<'/device/resetToken'>({
  name: '/device/resetToken',
  revokesCredentials: true,
  scope: 'device',
  allowDevices: true,
  transaction: 'none', // one statement: atomic on its own
  handler: ({ db, keys, caller, params }) => resetRootToken(db, keys.pepper, caller, params.uuid, params),
});
