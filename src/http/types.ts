import type { Request, Router } from 'express';
import type { Database } from '../db';
import type { Logger } from 'pino';
import type { Caller, ServerKeys } from '../contract/method';
import type { Pipeline } from '../gateway/pipeline';
import type { Registry } from '../gateway/registry';
import type { AuditWriter } from '../services/audit/audit-writer';

/** What an extra HTTP adapter (download links, Droplit's route, …) gets to work with. */
export interface HttpDeps {
  dataSource: Database;
  keys: ServerKeys;
  log: Logger;
  pipeline: Pipeline;
  /** The methods, for their other renderings of a result (renderAs: a share token's QR code). */
  registry: Registry;
  /** The method routes' credential check (Authorization / meshblu headers), failed checks rate-limited. */
  resolveCaller: (req: Request) => Promise<Caller | null>;
  /** The pipeline's audit log writer, for routes that are security events but not methods (downloads). */
  audit: AuditWriter;
}

export type RouterFactory = (deps: HttpDeps) => Router;
