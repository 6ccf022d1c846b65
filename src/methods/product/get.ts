import { defineMethod } from '../../contract/method';
import { getRecord } from '../../services/directory/resource';
import { PRODUCTS } from '../../services/directory/products';

export default defineMethod<'/product/get'>({
  name: '/product/get',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => getRecord(db, PRODUCTS, params),
});
