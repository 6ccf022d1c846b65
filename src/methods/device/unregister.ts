import { defineMethod } from '../../contract/method';
import { unregisterDevice } from '../../services/devices/device-registry';

export default defineMethod<'/device/unregister'>({
  name: '/device/unregister',
  revokesCredentials: true,
  scope: 'device',
  allowDevices: true,
  handler: ({ db, caller, params }) => unregisterDevice(db, caller, params.uuid),
});
