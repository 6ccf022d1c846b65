import { defineMethod } from '../../contract/method';
import { searchDevices } from '../../services/devices/device-search';

export default defineMethod<'/device/search'>({
  name: '/device/search',
  scope: 'device',
  transaction: 'none',
  handler: ({ db, params }) => searchDevices(db, params),
});
