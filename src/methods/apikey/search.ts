import { defineMethod } from '../../contract/method';
import { searchApiKeys } from '../../services/apikeys/api-keys';

export default defineMethod<'/apikey/search'>({
  name: '/apikey/search',
  scope: 'admin',
  transaction: 'none',
  handler: ({ db, params }) => searchApiKeys(db, params),
});
