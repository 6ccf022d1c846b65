import { defineMethod } from '../../contract/method';
import { searchRecords } from '../../services/directory/resource';
import { PRODUCTS } from '../../services/directory/products';

export default defineMethod<'/product/search'>({
  name: '/product/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, PRODUCTS, params),
});
