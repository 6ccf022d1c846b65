import type { MethodModule } from '../contract/method';
import createSessionToken from './device/createSessionToken';
import generateAndStoreToken from './device/generateAndStoreToken';
import get from './device/get';
import register from './device/register';
import resetToken from './device/resetToken';
import revokeToken from './device/revokeToken';
import revokeTokensByQuery from './device/revokeTokensByQuery';
import search from './device/search';
import searchTokens from './device/searchTokens';
import unregister from './device/unregister';
import update from './device/update';
import verifyToken from './device/verifyToken';
import whoami from './device/whoami';

/** The Meshblu-style device registry and its session tokens (SPEC "device"). */
export const deviceMethods: MethodModule[] = [
  register, get, whoami, search, update, unregister,
  generateAndStoreToken, createSessionToken, revokeToken, revokeTokensByQuery, searchTokens, verifyToken, resetToken,
];
