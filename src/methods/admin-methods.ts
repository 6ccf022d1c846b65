import apikeyCreate from './apikey/create';
import apikeyRevoke from './apikey/revoke';
import apikeySearch from './apikey/search';
import auditSearch from './audit/search';

export const adminMethods = [apikeyCreate, apikeySearch, apikeyRevoke, auditSearch];
