import { defineMethod } from '../../contract/method';
import { batchAssignTokens } from '../../services/batch-assign/batch-assign';
import { openBatchText } from '../../services/batch-assign/batch-input';

export default defineMethod<'/token/batchAssignTokens'>({
  name: '/token/batchAssignTokens',
  scope: 'token:write',
  auditTarget: (_params, result) => (result ? `${result.assigned} of ${result.total} rows` : undefined),
  async handler({ db, keys, params, upload, users }) {
    // mode, dryRun and createUsers have schema defaults, filled in by validation before the handler runs.
    const { csv, charset, mode, dryRun, createUsers } = params.attrs;
    return batchAssignTokens(db, keys.pepper, openBatchText(csv, charset, upload), { mode: mode!, dryRun: dryRun!, createUsers: createUsers!, users });
  },
});
