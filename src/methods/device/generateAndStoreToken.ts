import { defineMethod } from '../../contract/method';
import { issueSessionToken } from '../../services/devices/session-tokens';

/** Meshblu's generateAndStoreToken: the reply is {uuid, token, createdAt} and nothing else. */
export default defineMethod<'/device/generateAndStoreToken'>({
  name: '/device/generateAndStoreToken',
  scope: 'device',
  allowDevices: true,
  transaction: 'none', // one INSERT … SELECT: atomic on its own
  handler: async ({ db, keys, caller, params }) => {
    const { uuid, token, createdAt } = await issueSessionToken(db, keys.pepper, caller, params.uuid);
    return { uuid, token, createdAt };
  },
});
