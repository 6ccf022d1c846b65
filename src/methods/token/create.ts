import { defineMethod } from '../../contract/method';
import { AppError, E } from '../../errors';
import { createSoftwareToken } from '../../services/tokens/software-token';
import { getTokenView } from '../../services/tokens/token-view';
import { openImportFile } from '../../services/token-import/import-input';
import { importTokenFile } from '../../services/token-import/token-import';

/**
 * Two forms (SPEC): `attrs.data` or a streamed file body imports a seed file; otherwise a
 * software token is made for `attrs.user`. transaction 'handler': the import holds its
 * own connection, because its reply is read from the database after the commit.
 */
export default defineMethod<'/token/create'>({
  name: '/token/create',
  scope: 'token:write',
  transaction: 'handler',
  auditTarget: (_params, result) => (result && 'total' in result ? `import of ${result.total}` : result?.id),
  async handler({ db, keys, params: { attrs }, upload, users }) {
    if (attrs.data !== undefined || upload) {
      const file = openImportFile(attrs, upload);
      return importTokenFile(db, keys.masterKey, { ...file, product: attrs.product, repository: attrs.repository });
    }
    if (!attrs.user) throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/attrs', message: "must have required property 'user' (a software token) or 'data' (an import; or send the file as the body)" }] });
    return db.transaction(async (tx) => {
      const { id } = await createSoftwareToken(tx, users, keys.masterKey, attrs);
      return getTokenView(tx, id);
    });
  },
});
