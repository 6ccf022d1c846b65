import { defineMethod } from '../../contract/method';
import { dropExpiredTokens, expiryFrom, issueSessionToken } from '../../services/devices/session-tokens';

export default defineMethod<'/device/createSessionToken'>({
  name: '/device/createSessionToken',
  scope: 'device',
  allowDevices: true,
  handler: async ({ db, keys, caller, params }) => {
    const expiresOn = expiryFrom(params.expiresOn);
    const issued = await issueSessionToken(db, keys.pepper, caller, params.uuid, { tag: params.tag, expiresOn });
    await dropExpiredTokens(db, issued.uuid);
    return issued;
  },
});
