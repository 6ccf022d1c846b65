import { defineMethod } from '../../contract/method';
import { deleteUnlessUsedByTokens } from '../../services/directory/resource';
import { PRODUCTS } from '../../services/directory/products';

export default defineMethod<'/product/delete'>({
  name: '/product/delete',
  scope: 'directory',
  handler: ({ db, params }) => deleteUnlessUsedByTokens(db, PRODUCTS, params.id, 'product_id'),
});
