import { defineMethod } from '../../contract/method';
import { testDomainDirectory } from '../../services/directory/domain-directory';

export default defineMethod<'/domain/testDirectory'>({
  name: '/domain/testDirectory',
  scope: 'directory',
  transaction: 'none',
  handler: ({ db, keys, params }) => testDomainDirectory(db, keys.masterKey, params.id),
});
