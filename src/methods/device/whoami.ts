import { defineMethod } from '../../contract/method';
import { loadCallerDevice } from '../../services/devices/device-registry';

/** Meshblu's whoami: the calling device itself (Meshblu HTTP's GET /v2/whoami and POST /authenticate). */
export default defineMethod<'/device/whoami'>({
  name: '/device/whoami',
  scope: 'device',
  allowDevices: true,
  transaction: 'none',
  auditTarget: (_params, result) => result?.uuid,
  handler: ({ db, caller }) => loadCallerDevice(db, caller),
});
