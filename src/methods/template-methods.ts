import type { MethodModule } from '../contract/method';
import createIdentity from './identity/create';
import createTemplate from './relationshipTemplate/create';
import createToken from './relationshipTemplate/createToken';
import getTemplate from './relationshipTemplate/get';
import listTokens from './relationshipTemplate/listTokens';
import loadToken from './relationshipTemplate/loadToken';

export const templateMethods: MethodModule[] = [
  createIdentity, createTemplate, getTemplate, createToken, listTokens, loadToken,
];
