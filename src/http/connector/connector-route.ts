import express, { NextFunction, Request, Response, Router } from 'express';
import { AppError, E } from '../../errors';
import { exposeError } from '../../gateway/error-out';
import { baseUrlOf, bodyParserError, parseJsonBody } from '../../gateway/http-body';
import { requestIdOf } from '../../gateway/request-id';
import { referenceQrPng, referenceUrl, templateReference } from '../../services/templates/reference';
import type { HttpDeps } from '../types';
import { connectorQuery } from './connector-query';
import { connectorTemplate, connectorToken, sendConnectorError } from './connector-shapes';

interface ConnectorRoute {
  verb: 'get' | 'post';
  path: string;
  /** The method it runs, and that method's params from the request. */
  method: string;
  params: (req: Request) => unknown;
  summary: string;
  /** The method's result as the reply's `result` (the pepper derives a template's reference). */
  shape: (result: any, pepper: Buffer) => unknown;
  /** `Accept: image/png` answers a QR code PNG instead: of a new token (the method's renderAs) or of a template's own reference. */
  png?: 'renderAs' | 'templateReference';
}

const TEMPLATE_FILTERS = ['createdAt', 'expiresAt', 'createdBy', 'forIdentity', 'maxNumberOfAllocations'];
const TOKEN_FILTERS = ['createdAt', 'expiresAt', 'forIdentity', 'templateId'];
const body = (req: Request) => (parseJsonBody(req) ?? {}) as Record<string, unknown>;
const templateList = (found: { rows: any[] }, pepper: Buffer) => found.rows.map((t) => connectorTemplate(t, pepper));
const tokenList = (found: { rows: any[] }) => found.rows.map(connectorToken);

/**
 * The enmeshed Connector's template and token routes (what @nmshd/connector-sdk calls),
 * SPEC §7, under /api/v2. Each is one template method run through the one pipeline;
 * this file only maps the wire. Static segments (Own, Peer) come before /:id.
 */
export const CONNECTOR_ROUTES: readonly ConnectorRoute[] = [
  {
    verb: 'post', path: '/RelationshipTemplates/Own', summary: 'createOwnRelationshipTemplate: 201 the template',
    method: '/relationshipTemplate/create', params: body, shape: connectorTemplate,
  },
  {
    verb: 'get', path: '/RelationshipTemplates',
    summary: 'getRelationshipTemplates: the templates the caller knows; filters isOwn, createdAt, expiresAt, createdBy, forIdentity, maxNumberOfAllocations (values may start with >, <, >=, <= or !)',
    method: '/relationshipTemplate/search', params: (req) => connectorQuery(req.query, [...TEMPLATE_FILTERS, 'isOwn']), shape: templateList,
  },
  {
    verb: 'get', path: '/RelationshipTemplates/Own', summary: "getOwnRelationshipTemplates: the caller's own templates",
    method: '/relationshipTemplate/search', params: (req) => ({ ...connectorQuery(req.query, TEMPLATE_FILTERS), isOwn: true }), shape: templateList,
  },
  {
    verb: 'get', path: '/RelationshipTemplates/Peer', summary: "getPeerRelationshipTemplates: peers' templates the caller has loaded",
    method: '/relationshipTemplate/search', params: (req) => ({ ...connectorQuery(req.query, TEMPLATE_FILTERS), isOwn: false }), shape: templateList,
  },
  {
    verb: 'get', path: '/RelationshipTemplates/:id', png: 'templateReference',
    summary: "getRelationshipTemplate: one template the caller knows; with Accept: image/png, the QR code of the template's own reference",
    method: '/relationshipTemplate/get', params: (req) => ({ id: req.params.id }), shape: connectorTemplate,
  },
  {
    verb: 'post', path: '/RelationshipTemplates/Own/:id/Token', png: 'renderAs',
    summary: 'createTokenForOwnRelationshipTemplate: 201 the token with its truncatedReference (shown only here); with Accept: image/png, 201 its QR code PNG',
    method: '/relationshipTemplate/createToken', params: (req) => ({ ...body(req), templateId: req.params.id }), shape: connectorToken,
  },
  {
    verb: 'post', path: '/RelationshipTemplates/Peer', summary: 'loadPeerRelationshipTemplate {reference, password?}: 201 the template',
    method: '/relationshipTemplate/loadToken', params: body, shape: connectorTemplate,
  },
  {
    verb: 'get', path: '/Tokens', summary: "getTokens: the caller's kept (non-ephemeral) tokens; filters createdAt, expiresAt, forIdentity, templateId",
    method: '/relationshipTemplate/searchTokens', params: (req) => connectorQuery(req.query, TOKEN_FILTERS), shape: tokenList,
  },
  {
    verb: 'get', path: '/Tokens/Own', summary: 'getOwnTokens: as GET /api/v2/Tokens',
    method: '/relationshipTemplate/searchTokens', params: (req) => connectorQuery(req.query, TOKEN_FILTERS), shape: tokenList,
  },
  {
    verb: 'get', path: '/Tokens/:id', summary: "getToken: one of the caller's kept tokens",
    method: '/relationshipTemplate/getToken', params: (req) => ({ id: req.params.id }), shape: connectorToken,
  },
];

export const CONNECTOR_PREFIX = '/api/v2';

/**
 * Replies as the Connector's: {result} with exactly 201 for POST and 200 for GET (the
 * SDK checks the status), errors as {error: {id, code, message, docs, time}}.
 * GET /health answers {isHealthy, services} without credentials, as the Connector's does.
 */
export function connectorRouter({ pipeline, registry, resolveCaller, log, dataSource, keys }: HttpDeps): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: '1mb' });
  const docs = (req: Request) => `${baseUrlOf(req)}/openapi.json`;

  router.get('/health', async (_req, res) => {
    const database = await dataSource.rows('SELECT 1').then(() => 'healthy' as const, () => 'unhealthy' as const);
    res.status(database === 'healthy' ? 200 : 503).json({ isHealthy: database === 'healthy', services: { database } });
  });

  for (const route of CONNECTOR_ROUTES) {
    router[route.verb](CONNECTOR_PREFIX + route.path, raw, async (req: Request, res: Response) => {
      const correlationId = requestIdOf(res);
      const settings = { baseUrl: baseUrlOf(req) };
      try {
        const methodName = route.method;
        const result = await pipeline({ methodName, params: route.params(req), correlationId, settings, authenticate: () => resolveCaller(req) });
        if (route.png && req.accepts(['application/json', 'image/png']) === 'image/png') {
          const png = route.png === 'renderAs'
            ? await registry.get(methodName)!.module.renderAs!['image/png'](result, { settings })
            : await referenceQrPng(referenceUrl(settings.baseUrl, templateReference(keys.pepper, (result as { id: string }).id)));
          return void res.status(route.verb === 'post' ? 201 : 200).type('image/png').send(png);
        }
        res.status(route.verb === 'post' ? 201 : 200).json({ result: route.shape(result, keys.pepper) });
      } catch (err) {
        sendConnectorError(res, exposeError(err, log.child({ correlationId }), { route: `Connector ${route.path}` }, correlationId), docs(req));
      }
    });
  }
  router.use(CONNECTOR_PREFIX, (req: Request, res: Response) => {
    sendConnectorError(res, AppError.of(E.NOT_FOUND, undefined, 'No such route'), docs(req));
  });
  router.use(CONNECTOR_PREFIX, (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    sendConnectorError(res, bodyParserError(err), docs(req));
  });
  return router;
}
