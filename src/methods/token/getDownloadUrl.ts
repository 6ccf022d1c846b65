import { defineMethod } from '../../contract/method';
import { createDownloadLink } from '../../services/tokens/download-links';
import type { TokenSerialRef } from '../../services/tokens/token-refs';

export default defineMethod<{ id?: string; token?: TokenSerialRef; ttl?: number }>({
  name: '/token/getDownloadUrl',
  scope: 'token:write',
  handler: ({ db, keys, params, settings }) =>
    createDownloadLink(db, keys.pepper, params, { ttlSeconds: params.ttl, baseUrl: settings.baseUrl }),
});
