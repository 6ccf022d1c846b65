import { defineMethod } from '../../contract/method';
import { createProduct, ProductAttrs } from '../../services/directory/products';

export default defineMethod<{ attrs: ProductAttrs & { type: 'HOTP' | 'TOTP' } }>({
  name: '/product/create',
  scope: 'directory',
  handler: ({ db, params }) => createProduct(db, params.attrs),
});
