import { defineMethod } from '../../contract/method';
import { updateDevice } from '../../services/devices/device-registry';

export default defineMethod<'/device/update'>({
  name: '/device/update',
  scope: 'device',
  allowDevices: true,
  handler: ({ db, caller, params }) => updateDevice(db, caller, params.uuid, params.attrs),
});
