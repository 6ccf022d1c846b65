import { defineMethod } from '../../contract/method';
import { importTokens, ImportRequest } from '../../services/tokens/token-import';
import { createSoftwareToken, NewSoftwareToken } from '../../services/tokens/software-token';
import { getTokenView } from '../../services/tokens/token-view';

type CreateAttrs = (NewSoftwareToken & { data?: undefined }) | (ImportRequest & { data: string });

/** Two forms (SPEC): `attrs.data` imports a seed file; without it a software token is made for `attrs.user`. */
export default defineMethod<{ attrs: CreateAttrs }>({
  name: '/token/create',
  scope: 'token:write',
  auditTarget: (_params, result) => (result && 'total' in result ? `import of ${result.total}` : result?.id),
  async handler({ db, keys, params: { attrs } }) {
    if (attrs.data !== undefined) return importTokens(db, keys.masterKey, attrs as ImportRequest);
    const { id } = await createSoftwareToken(db, keys.masterKey, attrs as NewSoftwareToken);
    return getTokenView(db, id);
  },
});
