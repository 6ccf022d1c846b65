/**
 * tokengate/client: a typed SDK for every method of the contract. Its params types are
 * generated from schemas/ (src/client/generated), so a schema change breaks the caller's
 * build, not the caller's users. No dependencies beyond the global fetch (Node 20+).
 */
export { createClient } from './create-client';
export type { BatchBuilder, CsvUploadOptions, TokenExtras, TokengateClient } from './create-client';
export { isTokengateError, TokengateError } from './errors';
export type { ClientErrorName, TokengateErrorName } from './errors';
export type { ClientOptions, UploadBody } from './transport';
export type { Aliases, DevicesApi, UsersApi } from './aliases';
export type * from './types';
export type * from './generated/params';
export { methodNames } from './generated/params';
export { errorCatalog } from './generated/errors';
export type { ErrorName } from './generated/errors';
