import { defineMethod } from '../../contract/method';
import { searchDevices } from '../../services/devices/device-search';
import type { SearchParams } from '../../services/query/search-query';

export default defineMethod<SearchParams>({
  name: '/device/search',
  scope: 'device',
  transaction: 'none',
  handler: ({ db, params }) => searchDevices(db, params),
});
