import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { createTemplate } from '../../services/templates/templates';

export default defineMethod<'/relationshipTemplate/create'>({
  name: '/relationshipTemplate/create',
  scope: 'template',
  handler: async ({ db, caller, params }) => createTemplate(db, await requireCallerIdentity(db, caller), params),
});
