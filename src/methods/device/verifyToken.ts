import { defineMethod } from '../../contract/method';
import { verifyDeviceToken } from '../../services/devices/session-tokens';

export default defineMethod<'/device/verifyToken'>({
  name: '/device/verifyToken',
  scope: 'device',
  allowDevices: true,
  transaction: 'none',
  handler: ({ db, keys, caller, params, config }) =>
    verifyDeviceToken(db, keys.pepper, caller, params.uuid, params.token, config.rateLimits.authFailuresPerDevice),
});
