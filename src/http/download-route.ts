import express, { Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { exposeError } from '../gateway/error-out';
import { retryAfterOf } from '../gateway/retry-after';
import { requestIdOf } from '../gateway/request-id';
import type { AppError } from '../errors';
import type { AuditWriter } from '../services/audit/audit-writer';
import { previewDownloadLink, provisioningPng, redeemDownloadLink } from '../services/tokens/download-links';
import { previewPage, provisioningPage, sendPage, unusablePage } from './enrollment-page';
import type { RouterFactory } from './types';

/**
 * GET /download/<code>: a software token's provisioning payload, once
 * ({serial, otpauthUri, qrCode} as JSON, or the QR code PNG for Accept: image/png).
 * A browser (Accept: text/html) gets a page that names the account and spends nothing;
 * its button POSTs here, which spends the link and shows the QR code and the secret.
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

  /** Spends the link and answers the payload: JSON, the PNG, or the page with the QR code and secret. */
  async function redeem(req: Request, res: Response, as: 'application/json' | 'image/png' | 'text/html') {
    res.set('cache-control', 'no-store'); // the payload is a seed: no cache may keep it
    const correlationId = requestIdOf(res);
    const reqLog = log.child({ correlationId });
    const record = downloadAudit(audit, reqLog);
    try {
      const code = String(req.params.code);
      const provisioning = await dataSource.transaction((db) => redeemDownloadLink(db, keys, code, { onLinkFound: record.target }));
      const png = as === 'image/png' ? await provisioningPng(provisioning) : null;
      await record.done('ok');
      if (png) return void res.type('image/png').send(png);
      if (as === 'text/html') return void sendPage(res, 200, provisioningPage(provisioning));
      res.json(provisioning);
    } catch (err) {
      const e: AppError = exposeError(err, reqLog, { route: `${req.method} /download` }, correlationId);
      await record.done('error', e.errorName);
      const retryAfter = retryAfterOf(e);
      if (retryAfter) res.setHeader('Retry-After', retryAfter);
      if (as === 'text/html') return void sendPage(res, e.status, unusablePage(pageReasonOf(e.errorName)));
      res.status(e.status).json({ error: e.code, message: e.message, name: e.errorName, data: e.data ?? {} });
    }
  }

  /** A browser's GET (and any HEAD, which link scanners send) only looks: nothing is spent. */
  async function preview(req: Request, res: Response) {
    res.set('cache-control', 'no-store');
    try {
      const found = await previewDownloadLink(dataSource, keys.pepper, String(req.params.code));
      if (!found) return void sendPage(res, 404, unusablePage('not-found'));
      if (found.state === 'used-or-expired') return void sendPage(res, 410, unusablePage('used-or-expired'));
      if (found.state === 'confined') return void sendPage(res, 403, unusablePage('confined'));
      sendPage(res, 200, previewPage(found, req.originalUrl.split('?')[0]));
    } catch (err) {
      const e = exposeError(err, log.child({ correlationId: requestIdOf(res) }), { route: 'GET /download (page)' }, requestIdOf(res));
      const retryAfter = retryAfterOf(e); // the database is away: the page may say so with a 503
      if (retryAfter) res.setHeader('Retry-After', retryAfter);
      sendPage(res, e.status === 503 ? 503 : 500, unusablePage('error'));
    }
  }

  router.head('/download/:code', preview);
  router.get('/download/:code', (req, res) => {
    // JSON first: clients that send */* or no Accept keep the JSON they always had; a browser
    // ranks text/html above */* and gets the page.
    const as = req.accepts(['application/json', 'image/png', 'text/html']);
    return as === 'text/html' ? preview(req, res) : redeem(req, res, as === 'image/png' ? 'image/png' : 'application/json');
  });
  // The page's button: the page with the QR code, unless the client asks for JSON rather than HTML.
  router.post('/download/:code', (req, res) =>
    redeem(req, res, req.accepts(['text/html', 'application/json']) === 'application/json' ? 'application/json' : 'text/html'));
  return router;
};

const pageReasonOf = (name: string) =>
  name === 'DOWNLOAD_LINK_EXPIRED' ? 'used-or-expired' as const
    : name === 'NOT_FOUND' ? 'not-found' as const
      : name === 'TOKEN_CONFINED' || name === 'TOKEN_NOT_DOWNLOADABLE' ? 'confined' as const : 'error' as const;

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
