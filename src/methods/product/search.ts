import { defineMethod } from '../../contract/method';
import type { SearchParams } from '../../services/query/search-query';
import { searchRecords } from '../../services/directory/resource';
import { PRODUCTS } from '../../services/directory/products';

export default defineMethod<SearchParams>({
  name: '/product/search',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, params }) => searchRecords(db, PRODUCTS, params),
});
