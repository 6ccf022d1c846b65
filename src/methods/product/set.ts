import { defineMethod } from '../../contract/method';
import { setProduct } from '../../services/directory/products';

export default defineMethod<'/product/set'>({
  name: '/product/set',
  scope: 'directory',
  handler: ({ db, params }) => setProduct(db, params.id, params.attrs),
});
