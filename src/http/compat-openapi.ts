import { CONNECTOR_PREFIX, CONNECTOR_ROUTES } from './connector/connector-route';
import { MESHBLU_ROUTES } from './meshblu/meshblu-route';

/**
 * /openapi.json's operations for the two compatibility route sets, read from their own
 * route tables so the document cannot drift from what is served. Bodies are the
 * methods' schemas (x-tokengate-method names the one each route runs).
 */
export function compatPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  const add = (path: string, verb: string, operation: object) => {
    const key = path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[key] = { ...paths[key], [verb]: { ...operation, parameters: pathParameters(path) } };
  };
  for (const route of MESHBLU_ROUTES) {
    for (const path of route.paths) {
      add(path, route.verb, {
        operationId: `meshblu ${route.verb.toUpperCase()} ${path}`, tags: ['Meshblu HTTP'], summary: route.summary,
        'x-tokengate-method': route.method, security: [{ device: [] }, { bearer: [] }],
        responses: {
          [route.status]: { description: route.status === 204 ? 'done, no body' : 'the bare object (no envelope)' },
          default: { description: 'failure', content: { 'application/json': { schema: { $ref: '#/components/schemas/MeshbluError' } } } },
        },
      });
    }
  }
  for (const route of CONNECTOR_ROUTES) {
    const ok = route.verb === 'post' ? 201 : 200;
    add(CONNECTOR_PREFIX + route.path, route.verb, {
      operationId: `connector ${route.verb.toUpperCase()} ${route.path}`, tags: ['enmeshed Connector'], summary: route.summary,
      'x-tokengate-method': route.method, security: [{ apiKeyHeader: [] }, { bearer: [] }],
      responses: {
        [ok]: {
          description: 'success',
          content: {
            'application/json': { schema: { type: 'object', required: ['result'], properties: { result: {} } } },
            ...(route.png ? { 'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } } } : {}),
          },
        },
        default: { description: 'failure', content: { 'application/json': { schema: { $ref: '#/components/schemas/ConnectorError' } } } },
      },
    });
  }
  paths['/health'] = {
    get: {
      operationId: 'connector GET /health', tags: ['enmeshed Connector'], summary: 'health as the Connector reports it; no credentials',
      responses: { 200: { description: '{isHealthy: true, services: {database: "healthy"}}' }, 503: { description: 'the database is unreachable' } },
    },
  };
  return paths;
}

export const COMPAT_SCHEMAS = {
  MeshbluError: {
    type: 'object', required: ['error'],
    description: 'Also sent as the x-meshblu-error header ({"message"}); name is the catalog name.',
    properties: { error: { type: 'string' }, name: { type: 'string' }, data: { type: 'object' } },
  },
  ConnectorError: {
    type: 'object', required: ['error'],
    properties: {
      error: {
        type: 'object', required: ['id', 'code', 'message', 'docs', 'time'],
        properties: {
          id: { type: 'string', description: 'error.tokengate.<camelCase catalog name>' }, code: { type: 'string', description: 'the catalog name' },
          message: { type: 'string' }, docs: { type: 'string' }, time: { type: 'string', format: 'date-time' }, data: { type: 'object' },
        },
      },
    },
  },
};

function pathParameters(path: string) {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
}
