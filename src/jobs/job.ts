import type { Database } from '../db';
import type { Logger } from 'pino';

/** A periodic job; it must be safe when several server processes run it at once. */
export interface Job {
  name: string;
  intervalMs: number;
  run(dataSource: Database, log: Logger): Promise<void>;
}
