import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import type { Database } from '../db';
import { DATABASE_RETRY_AFTER_SECONDS } from '../gateway/error-out';
import { legacyNotFoundBody } from '../gateway/legacy-envelope';
import type { Registry } from '../gateway/registry';
import { metricsRegistry } from './metrics';
import { buildOpenApi } from './openapi';

/** Liveness, readiness (includes the database) and the schemas that are the contract. */
export function operationsRouter(deps: { dataSource: Database; registry: Registry; schemaDir: string }): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (_req, res) => {
    // Within a second, whatever the database does (SPEC §12): a probe does not wait for a connect timeout.
    if (await deps.dataSource.isReady(500)) {
      res.json({ status: 'ready', database: 'ok' });
    } else {
      // Not ready while the database cannot be reached; the next probe that reaches it says ready again.
      res.status(503).setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      res.json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  let openApi: object | undefined; // built on first request: schemas do not change while running
  router.get('/openapi.json', (_req, res) => void res.json(openApi ??= buildOpenApi(deps.registry, deps.schemaDir)));
  router.get('/schemas/:object/:method.json', (req, res) => {
    const name = `/${req.params.object}/${req.params.method}`;
    const file = `${deps.schemaDir}${name}.json`;
    if (!/^\/[a-zA-Z]+\/[a-zA-Z]+$/.test(name) || !(deps.registry.has(name) || name === '/common/common') || !existsSync(file)) {
      return void res.status(404).json(legacyNotFoundBody('No such schema'));
    }
    res.type('application/schema+json').sendFile(file);
  });
  return router;
}
