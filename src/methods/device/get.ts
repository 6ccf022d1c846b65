import { defineMethod } from '../../contract/method';
import { loadDevice } from '../../services/devices/device-registry';

export default defineMethod<'/device/get'>({
  name: '/device/get',
  scope: 'device',
  allowDevices: true,
  transaction: 'none',
  handler: ({ db, caller, params }) => loadDevice(db, caller, params.uuid, 'view'),
});
