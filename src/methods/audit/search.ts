import { defineMethod } from '../../contract/method';
import { searchAuditLog } from '../../services/audit/audit-log';

export default defineMethod<'/audit/search'>({
  name: '/audit/search',
  scope: 'audit:read',
  transaction: 'none',
  handler: ({ db, params }) => searchAuditLog(db, params),
});
