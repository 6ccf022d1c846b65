import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { DATABASE_RETRY_AFTER_SECONDS } from '../gateway/error-out';
import type { Registry } from '../gateway/registry';
import { metricsRegistry } from './metrics';
import { buildOpenApi } from './openapi';

/** Liveness, readiness (includes the database) and the schemas that are the contract. */
export function operationsRouter(deps: { dataSource: DataSource; registry: Registry; schemaDir: string }): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (_req, res) => {
    try {
      // Within a second: a load balancer's probe must not wait out a failover (SPEC §12).
      await withinOneSecond(deps.dataSource.query('SELECT 1'));
      res.json({ status: 'ready', database: 'ok' });
    } catch {
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
      return void res.status(404).json({ error: 404, name: 'NOT_FOUND', message: 'No such schema' });
    }
    res.type('application/schema+json').sendFile(file);
  });
  return router;
}

/** `work`, or a rejection after READY_WAIT_MS (the query itself is left to finish or fail on its own). */
const READY_WAIT_MS = 500;
function withinOneSecond<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('no answer in time')), READY_WAIT_MS); });
  work.catch(() => {}); // a late failure is nobody's business
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
