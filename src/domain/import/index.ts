/** Hardware token seed files → tokens to store. Pure: no HTTP, no database. */
export type { ImportedToken, ImportFormat, ImportKeys } from './imported-token';
export type { ImportProblem } from './import-file-error';
export { ImportFileError, SkippedKeys } from './import-file-error';
export { detectImportFormat } from './detect-import-format';
