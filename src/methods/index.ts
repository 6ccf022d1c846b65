import type { MethodModule } from '../contract/method';
import { adminMethods } from './admin-methods';
import { batchMethods } from './batch-methods';
import { deviceMethods } from './device-methods';
import { directoryMethods } from './directory-methods';
import { otpMethods } from './otp-methods';
import { radiusMethods } from './radius-methods';
import { templateMethods } from './template-methods';
import { userTokenMethods } from './user-token-methods';

/** Every method the server offers: the explicit list the registry is built from. */
export const allMethods: readonly MethodModule[] = [
  ...adminMethods,
  ...directoryMethods,
  ...otpMethods,
  ...batchMethods,
  ...userTokenMethods,
  ...deviceMethods,
  ...templateMethods,
  ...radiusMethods,
];
