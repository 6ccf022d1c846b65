import { defineMethod } from '../../contract/method';
import { releaseToken } from '../../services/tokens/token-admin';
import type { TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef }>({
  name: '/token/release',
  scope: 'token:write',
  handler: ({ db, params }) => releaseToken(db, params),
});
