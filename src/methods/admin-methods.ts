import apikeyCreate from './apikey/create';
import apikeyRevoke from './apikey/revoke';
import apikeySearch from './apikey/search';
import apikeyWhoami from './apikey/whoami';
import auditSearch from './audit/search';

export const adminMethods = [apikeyCreate, apikeySearch, apikeyRevoke, apikeyWhoami, auditSearch];
