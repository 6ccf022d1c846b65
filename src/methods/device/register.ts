import { defineMethod } from '../../contract/method';
import { registerDevice } from '../../services/devices/device-registry';

/** API keys (scope device) and devices may register devices; see the schema for ownership. */
export default defineMethod<'/device/register'>({
  name: '/device/register',
  scope: 'device',
  allowDevices: true,
  auditTarget: (_params, result) => result?.uuid,
  handler: ({ db, keys, caller, params }) => registerDevice(db, keys.pepper, caller, params.attrs ?? {}),
});
