import type { MethodModule } from '../contract/method';
import authVerify from './auth/verify';
import tokenAssign from './token/assign';
import tokenConfine from './token/confine';
import tokenCreate from './token/create';
import tokenDelete from './token/delete';
import tokenGet from './token/get';
import tokenGetDownloadUrl from './token/getDownloadUrl';
import tokenRelease from './token/release';
import tokenReset from './token/reset';
import tokenRetrieveCredential from './token/retrieveCredential';
import tokenSearch from './token/search';
import tokenSet from './token/set';
import tokenSyncToken from './token/syncToken';

/** OTP tokens (SPEC "token") and their use (SPEC "auth"). */
export const otpMethods: MethodModule[] = [
  tokenCreate, tokenGet, tokenSearch, tokenSet, tokenAssign, tokenDelete, tokenReset,
  tokenConfine, tokenRelease, tokenGetDownloadUrl, tokenSyncToken, tokenRetrieveCredential,
  authVerify,
];
