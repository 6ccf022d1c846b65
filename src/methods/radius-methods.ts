import type { MethodModule } from '../contract/method';
import createRadiusClient from './radiusClient/create';
import deleteRadiusClient from './radiusClient/delete';
import getRadiusClient from './radiusClient/get';
import searchRadiusClients from './radiusClient/search';
import setRadiusClient from './radiusClient/set';

/** The NAS that may ask the RADIUS / RadSec listener (SPEC §10): scope admin. */
export const radiusMethods: MethodModule[] = [
  createRadiusClient, getRadiusClient, searchRadiusClients, setRadiusClient, deleteRadiusClient,
];
