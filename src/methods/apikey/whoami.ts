import { defineMethod } from '../../contract/method';
import { AppError, E } from '../../errors';

/** The calling key as the server sees it, so a client (the console) can show only what its scopes allow. */
export default defineMethod<'/apikey/whoami'>({
  name: '/apikey/whoami',
  scope: 'any-api-key',
  transaction: 'none',
  auditTarget: () => undefined,
  handler: async ({ caller }) => {
    if (caller.kind !== 'apikey') throw AppError.of(E.FORBIDDEN);
    return { id: caller.id, name: caller.name, scopes: [...caller.scopes], identity: caller.identity };
  },
});
