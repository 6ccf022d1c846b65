import { consoleRouter } from './console-route';
import { downloadRouter } from './download-route';
import { droplitRouter } from './droplit-route';
import { meshbluRouter } from './meshblu/meshblu-route';
import { connectorRouter } from './connector/connector-route';
import type { RouterFactory } from './types';

/** HTTP adapters beside the two method routes, in the order they are mounted. */
export const extraRouters: RouterFactory[] = [
  consoleRouter,
  downloadRouter,
  droplitRouter,
  meshbluRouter,
  connectorRouter,
];
