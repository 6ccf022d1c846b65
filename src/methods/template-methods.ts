import type { MethodModule } from '../contract/method';
import createIdentity from './identity/create';
import createTemplate from './relationshipTemplate/create';
import createToken from './relationshipTemplate/createToken';
import getTemplate from './relationshipTemplate/get';
import listTokens from './relationshipTemplate/listTokens';
import getToken from './relationshipTemplate/getToken';
import loadToken from './relationshipTemplate/loadToken';
import searchTemplates from './relationshipTemplate/search';
import searchTokens from './relationshipTemplate/searchTokens';

export const templateMethods: MethodModule[] = [
  createIdentity, createTemplate, getTemplate, searchTemplates, createToken, listTokens, searchTokens, getToken, loadToken,
];
