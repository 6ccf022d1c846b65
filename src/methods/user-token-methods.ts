import type { MethodModule } from '../contract/method';
import userCreateToken from './user/createToken';
import userListTokens from './user/listTokens';
import userRevokeToken from './user/revokeToken';
import userRevokeTokens from './user/revokeTokens';
import userVerifyToken from './user/verifyToken';

export const userTokenMethods: MethodModule[] = [
  userCreateToken, userVerifyToken, userListTokens, userRevokeToken, userRevokeTokens,
];
