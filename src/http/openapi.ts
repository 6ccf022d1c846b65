import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { E } from '../errors';
import type { Registry } from '../gateway/registry';
import { COMPAT_SCHEMAS, compatPaths } from './compat-openapi';

/**
 * An OpenAPI 3.1 document generated from schemas/: one operation per method on the
 * legacy route, /rpc as one operation whose body is any of the methods' calls, and the
 * Meshblu HTTP and enmeshed Connector route sets.
 */
export function buildOpenApi(registry: Registry, schemaDir: string): object {
  const common = readSchema(schemaDir, 'common.json');
  const schemas: Record<string, unknown> = rewriteRefs(common.definitions);
  const paths: Record<string, unknown> = {};
  const rpcCalls: unknown[] = [];
  for (const name of [...registry.keys()].sort()) {
    const { $id: _id, ...schema } = readSchema(schemaDir, `${name.slice(1)}.json`);
    const key = name.slice(1).replace('/', '.');
    schemas[key] = rewriteRefs(schema);
    const ref = { $ref: `#/components/schemas/${key}` };
    paths[`/rest${name}`] = {
      post: {
        operationId: key, summary: schema.description, tags: [name.split('/')[1]],
        security: [{ bearer: [] }, { device: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: ref } } },
        responses: {
          200: { description: 'success', content: { 'application/json': { schema: { type: 'object', properties: { error: { const: 0 }, result: {} } } } } },
          default: { description: 'an error from the catalog', content: { 'application/json': { schema: { $ref: '#/components/schemas/LegacyError' } } } },
        },
      },
    };
    rpcCalls.push({ type: 'object', required: ['jsonrpc', 'method'], properties: { jsonrpc: { const: '2.0' }, id: { type: ['string', 'number', 'null'] }, method: { const: name }, params: ref } });
  }
  schemas.LegacyError = {
    type: 'object', required: ['error', 'name', 'message'],
    properties: { error: { type: 'integer' }, name: { enum: Object.keys(E) }, message: { type: 'string' }, data: { type: 'object' } },
  };
  paths['/rpc'] = {
    post: {
      operationId: 'rpc', summary: 'JSON-RPC 2.0: one call or a batch; every method above', security: [{ bearer: [] }, { device: [] }],
      requestBody: { required: true, content: { 'application/json': { schema: { anyOf: [{ oneOf: rpcCalls }, { type: 'array', items: { oneOf: rpcCalls } }] } } } },
      responses: { 200: { description: 'JSON-RPC reply or array of replies' }, 204: { description: 'only notifications' } },
    },
  };
  Object.assign(paths, compatPaths());
  Object.assign(schemas, COMPAT_SCHEMAS);
  return {
    openapi: '3.1.0',
    info: { title: 'tokengate', version: '0.1.0', description: 'Token server: OTP authenticators, user access tokens, device session tokens, share tokens.' },
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key' }, device: { type: 'http', scheme: 'basic', description: 'device uuid:token' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'API key, as the enmeshed Connector takes it (every route accepts it)' },
      },
    },
  };
}

function readSchema(dir: string, file: string) {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/** "/common#/definitions/x" and "#/definitions/x" both become component references. */
function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/"(?:\/common)?#\/definitions\/([^"]+)"/g, '"#/components/schemas/$1"'));
}
