import { defineMethod } from '../../contract/method';
import { getRecord, GetParams } from '../../services/directory/resource';
import { PRODUCTS } from '../../services/directory/products';

export default defineMethod<GetParams>({
  name: '/product/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, PRODUCTS, params),
});
