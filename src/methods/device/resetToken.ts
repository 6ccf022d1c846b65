import { defineMethod } from '../../contract/method';
import { resetRootToken } from '../../services/devices/root-token';

/** Meshblu's resetToken: a new root token for the device, the old one revoked → {uuid, token}. */
export default defineMethod<{ uuid: string }>({
  name: '/device/resetToken',
  scope: 'device',
  allowDevices: true,
  transaction: 'none', // one UPDATE: atomic on its own
  handler: ({ db, keys, caller, params }) => resetRootToken(db, keys.pepper, caller, params.uuid),
});
