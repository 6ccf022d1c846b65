import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { createTemplate, NewTemplate } from '../../services/templates/templates';

export default defineMethod<NewTemplate>({
  name: '/relationshipTemplate/create',
  scope: 'template',
  handler: async ({ db, caller, params }) => createTemplate(db, await requireCallerIdentity(db, caller), params),
});
