import { defineMethod } from '../../contract/method';
import { requireCallerIdentity } from '../../services/templates/identities';
import { referenceQrPng } from '../../services/templates/reference';
import { createShareToken } from '../../services/templates/share-tokens';

export default defineMethod<'/relationshipTemplate/createToken'>({
  name: '/relationshipTemplate/createToken',
  scope: 'template',
  auditTarget: (params, result) => result?.id ?? params.templateId,
  // Accept: image/png on the legacy route: the QR code a wallet app scans.
  renderAs: { 'image/png': (result) => referenceQrPng(result.reference!.url) },
  handler: async ({ db, caller, keys, settings, params }) =>
    createShareToken(db, keys.pepper, await requireCallerIdentity(db, caller), settings.baseUrl, params),
});
