import { defineMethod } from '../../contract/method';
import { createDownloadLink } from '../../services/tokens/download-links';
import { tokenAuditTarget } from '../../services/tokens/token-refs';

export default defineMethod<'/token/getDownloadUrl'>({
  name: '/token/getDownloadUrl',
  scope: 'token:write',
  auditTarget: tokenAuditTarget,
  handler: ({ db, keys, params, settings }) =>
    createDownloadLink(db, keys.pepper, params, { ttlSeconds: params.ttl, baseUrl: settings.baseUrl }),
});
