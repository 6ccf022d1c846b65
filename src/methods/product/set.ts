import { defineMethod } from '../../contract/method';
import { ProductAttrs, setProduct } from '../../services/directory/products';

export default defineMethod<{ id: string; attrs: ProductAttrs }>({
  name: '/product/set',
  scope: 'directory',
  handler: ({ db, params }) => setProduct(db, params.id, params.attrs),
});
