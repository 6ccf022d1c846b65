import { defineMethod } from '../../contract/method';
import { createProduct } from '../../services/directory/products';

export default defineMethod<'/product/create'>({
  name: '/product/create',
  scope: 'directory',
  handler: ({ db, params }) => createProduct(db, params.attrs),
});
