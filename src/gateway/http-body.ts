import type { Request } from 'express';
import { AppError, E } from '../errors';
import { parseJsonText } from './json-limits';

/** Turns body-parser failures into catalog errors (413 too large, 400 otherwise). */
export function bodyParserError(err: unknown): AppError {
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large') return AppError.of(E.BODY_TOO_LARGE);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return AppError.of(E.UNSUPPORTED_MEDIA_TYPE);
  return AppError.of(E.PARSE_ERROR);
}

/** The raw body (express.raw ran before) parsed as JSON; an empty body is `undefined`. */
export function parseJsonBody(req: Request): unknown {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  return parseJsonText(raw.toString('utf8'));
}

export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
