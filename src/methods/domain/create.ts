import { defineMethod } from '../../contract/method';
import { createDomain, DomainAttrs } from '../../services/directory/domain-directory';

export default defineMethod<{ attrs: DomainAttrs & { name: string } }>({
  name: '/domain/create',
  scope: 'directory',
  handler: ({ db, keys, params }) => createDomain(db, keys.masterKey, params.attrs),
});
