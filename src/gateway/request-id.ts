import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * A proxy's or client's own x-request-id is kept only when it is a short plain token,
 * so a header can neither forge log structure nor flood a log line.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives every HTTP request a correlation id, echoed in the x-request-id response header. */
export function assignRequestId(req: Request, res: Response, next: NextFunction): void {
  const id = newRequestId(req.get('x-request-id'));
  res.locals.requestId = id;
  res.setHeader('x-request-id', id);
  next();
}

/** The client's or proxy's id when it is sane, a fresh one otherwise (POST /rpc's node:http route too). */
export function newRequestId(given: string | string[] | undefined): string {
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

export function requestIdOf(res: Response): string {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : randomUUID();
}
