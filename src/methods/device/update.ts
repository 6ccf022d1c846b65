import { defineMethod } from '../../contract/method';
import { DeviceAttrs, updateDevice } from '../../services/devices/device-registry';

export default defineMethod<{ uuid: string; attrs: DeviceAttrs }>({
  name: '/device/update',
  scope: 'device',
  allowDevices: true,
  handler: ({ db, caller, params }) => updateDevice(db, caller, params.uuid, params.attrs),
});
