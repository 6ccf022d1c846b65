import { defineMethod } from '../../contract/method';
import { batchAssignTokens, BatchAssignOptions, BatchAssignResult } from '../../services/batch-assign/batch-assign';
import { openBatchText } from '../../services/batch-assign/batch-input';

interface Params {
  attrs: Omit<BatchAssignOptions, 'onProgress' | 'users'> & { csv?: string; charset?: string };
}

export default defineMethod<Params, BatchAssignResult>({
  name: '/token/batchAssignTokens',
  scope: 'token:write',
  auditTarget: (_params, result) => (result ? `${result.assigned} of ${result.total} rows` : undefined),
  async handler({ db, keys, params, upload, users }) {
    const { csv, charset, ...options } = params.attrs;
    return batchAssignTokens(db, keys.pepper, openBatchText(csv, charset, upload), { ...options, users });
  },
});
