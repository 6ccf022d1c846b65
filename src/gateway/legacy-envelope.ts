import { once } from 'node:events';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { StreamedList } from '../contract/streamed-list';
import type { AppError } from '../errors';
import { retryAfterOf } from './retry-after';

/*
 * The legacy (DualShield-style) envelope, SPEC §1: {"error":0,"result":…} or
 * {"error":N,"message","name","data"} with the catalog's HTTP status. Every route that
 * answers in it (POST /rest, GET /download, a refused upgrade, an unknown route) writes it
 * through this file only.
 */

export function legacyResultBody(result: unknown): { error: 0; result: unknown } {
  return { error: 0, result: result ?? null };
}

export function legacyErrorBody(err: AppError): { error: number; message: string; name: string; data: Record<string, unknown> } {
  return { error: err.code, message: err.message, name: err.errorName, data: err.data ?? {} };
}

/** No route (or schema) by that path: before any method, so not a catalog error. */
export function legacyNotFoundBody(message: string): { error: 404; name: 'NOT_FOUND'; message: string } {
  return { error: 404, name: 'NOT_FOUND', message };
}

export function sendLegacyResult(res: Response, result: unknown): void {
  res.json(legacyResultBody(result));
}

/** The error with its catalog status, and Retry-After when it says when to try again. */
export function sendLegacyError(res: Response, err: AppError): void {
  if (res.headersSent) return void res.end();
  const retryAfter = retryAfterOf(err);
  if (retryAfter) res.setHeader('Retry-After', retryAfter);
  res.status(err.status).json(legacyErrorBody(err));
}

/**
 * Writes {"error":0,"result":{"total":N,"rows":[…]}} while the rows are read, waiting
 * for the socket to drain so memory stays flat whatever the row count. The result is
 * committed before the first byte, so a failure here can only cut the reply short
 * (the client sees broken JSON, never a false error); it is logged.
 */
export async function writeStreamedList(res: Response, list: StreamedList, log: Logger): Promise<void> {
  res.status(200).type('application/json');
  try {
    res.write(`{"error":0,"result":{"total":${list.total},"rows":[`);
    let first = true;
    let pending = '';
    for await (const row of list.rows) {
      pending += (first ? '' : ',') + JSON.stringify(row);
      first = false;
      // a few kB per write: one write per row would cost more than the rows
      if (pending.length >= 16_384) {
        if (res.destroyed) break;
        if (!res.write(pending)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
        pending = '';
      }
    }
    res.end(`${pending}]}}`);
  } catch (err) {
    log.error({ err }, 'the streamed reply was cut short');
    res.destroy();
  } finally {
    await list.close();
  }
}
