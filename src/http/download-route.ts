import express, { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { exposeError } from '../gateway/error-out';
import { requestIdOf } from '../gateway/request-id';
import type { AppError } from '../errors';
import type { AuditWriter } from '../services/audit/audit-writer';
import { provisioningPng, redeemDownloadLink } from '../services/tokens/download-links';
import type { RouterFactory } from './types';

/**
 * GET /download/<code>: a software token's provisioning payload, once
 * ({serial, otpauthUri, qrCode} as JSON, or the QR code PNG for Accept: image/png).
 * Errors use the legacy envelope {error, message, name, data} with the catalog's status:
 * a used or expired link is 410 DOWNLOAD_LINK_EXPIRED.
 *
 * Handing out a seed is a security event, so every request is audited as method
 * "/download" (caller null: the link is the credential), against the token's serial when
 * the code names one; never the code or the payload. As for methods, the audit row is
 * written before the reply goes out.
 */
export const downloadRouter: RouterFactory = ({ dataSource, keys, log, audit }): Router => {
  const router = express.Router();
  router.get('/download/:code', async (req: Request, res: Response) => {
    res.set('cache-control', 'no-store'); // the payload is a seed: no cache may keep it
    const correlationId = requestIdOf(res);
    const reqLog = log.child({ correlationId });
    const record = downloadAudit(audit, reqLog);
    try {
      const code = String(req.params.code);
      const provisioning = await dataSource.transaction((db) => redeemDownloadLink(db, keys, code, { onLinkFound: record.target }));
      const png = req.accepts(['application/json', 'image/png']) === 'image/png' ? await provisioningPng(provisioning) : null;
      await record.done('ok');
      if (png) return void res.type('image/png').send(png);
      res.json(provisioning);
    } catch (err) {
      const e: AppError = exposeError(err, reqLog, { route: 'GET /download' }, correlationId);
      await record.done('error', e.errorName);
      res.status(e.status).json({ error: e.code, message: e.message, name: e.errorName, data: e.data ?? {} });
    }
  });
  return router;
};

function downloadAudit(audit: AuditWriter, log: Logger) {
  const started = performance.now();
  let serial: string | undefined;
  return {
    target(found: string) { serial = found; },
    async done(outcome: 'ok' | 'error', errorName?: string) {
      try {
        await audit.write({
          time: new Date(), caller: null, method: '/download', target: serial, outcome, errorName, durationMs: performance.now() - started,
        });
      } catch (err) {
        log.error({ err, route: 'GET /download' }, 'could not record the download');
      }
    },
  };
}
