import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { AppError } from '../../errors';
import { templateReference } from '../../services/templates/reference';

/**
 * The enmeshed Connector's wire shapes for tokengate's templates and share tokens.
 * Mapping only: what a caller may see is decided by the template methods.
 */

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * enmeshed names the device of an identity that made an object ("DVC…"). tokengate acts
 * for an identity through API keys and has no device records, so each identity has one
 * device id, derived from its address: stable, and the same on every read.
 */
export function deviceIdOf(address: string): string {
  const digest = createHash('sha256').update(`device:${address}`).digest();
  return `DVC${[...digest.subarray(0, 17)].map((b) => BASE62[b % 62]).join('')}`;
}

interface TemplateView { id: string; createdBy: string; [field: string]: unknown }

/**
 * RelationshipTemplateDTO: the method's template plus createdByDevice and the template's
 * own reference (the templates service derives it; loadToken takes it). Never a password.
 */
export function connectorTemplate(template: TemplateView, pepper: Buffer) {
  return {
    ...template, ...connectorProtection(template),
    createdByDevice: deviceIdOf(template.createdBy), truncatedReference: templateReference(pepper, template.id),
  };
}

/** The Connector says passwordIsPin only when it is true: {passwordIsPin: true} or {}. */
function connectorProtection(item: { [field: string]: unknown }) {
  const protection = item.passwordProtection as { passwordIsPin?: boolean } | undefined;
  return protection ? { passwordProtection: protection.passwordIsPin ? { passwordIsPin: true as const } : {} } : {};
}

interface TokenView {
  id: string; isOwn?: boolean; createdBy: string; content: { templateId: string };
  reference?: { truncated: string; url: string }; [field: string]: unknown;
}

/**
 * TokenDTO: content typed as enmeshed types it, truncatedReference when there is one to
 * show. Only the creation reply has it: the server keeps just a keyed hash of the
 * reference's secret, so a token read later cannot repeat it.
 */
export function connectorToken(token: TokenView) {
  const { isOwn: _isOwn, reference, content, ...rest } = token;
  return {
    ...rest, ...connectorProtection(token),
    createdByDevice: deviceIdOf(token.createdBy),
    content: { '@type': 'TokenContentRelationshipTemplate', templateId: content.templateId },
    ...(reference ? { truncatedReference: reference.truncated } : {}),
  };
}

/** "CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE" → "cannotCreateTokenForPeerTemplate". */
function camelCase(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The Connector's error body: {error: {id, code, message, docs, time}} with the catalog's
 * status. code is the catalog name clients match on; id its stable dotted form.
 */
export function sendConnectorError(res: Response, err: AppError, docsUrl: string): void {
  if (res.headersSent) return void res.end();
  const retryAfter = err.data?.retryAfter;
  if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  res.status(err.status).json({
    error: {
      id: `error.tokengate.${camelCase(err.errorName)}`, code: err.errorName, message: err.message,
      docs: docsUrl, time: new Date().toISOString(),
      ...(err.data && Object.keys(err.data).length ? { data: err.data } : {}),
    },
  });
}
