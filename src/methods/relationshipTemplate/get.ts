import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { findKnownTemplate, templateView } from '../../services/templates/templates';

export default defineMethod<'/relationshipTemplate/get'>({
  name: '/relationshipTemplate/get',
  scope: 'template',
  transaction: 'none',
  handler: async ({ db, caller, params }) => {
    const identity = await requireCallerIdentity(db, caller);
    return templateView(await findKnownTemplate(db, params.id, identity), identity);
  },
});
