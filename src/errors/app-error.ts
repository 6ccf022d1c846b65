import { E, ErrorDef } from './catalog';

/**
 * The only error a client ever sees. Anything else thrown inside a method is
 * turned into INTERNAL by the gateway, so a driver message or a stack cannot leak.
 */
export class AppError extends Error {
  constructor(
    readonly def: ErrorDef,
    readonly data?: Record<string, unknown>,
    message?: string,
  ) {
    super(message ?? def.message);
  }

  static of(def: ErrorDef, data?: Record<string, unknown>, message?: string): AppError {
    return new AppError(def, data, message);
  }

  get errorName(): string { return this.def.name; }
  get code(): number { return this.def.code; }
  get status(): number { return this.def.status; }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** PostgreSQL unique_violation → CONFLICT unless the caller knows better. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

export { E };
