export { E, findErrorDef } from './catalog';
export type { ErrorDef, ErrorName } from './catalog';
export { AppError, isAppError, isUniqueViolation } from './app-error';
export { isDatabaseUnavailable } from './database-unavailable';
