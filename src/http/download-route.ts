import express, { Request, Response, Router } from 'express';
import { exposeError } from '../gateway/error-out';
import { sendLegacyError } from '../gateway/legacy-envelope';
import { retryAfterOf } from '../gateway/retry-after';
import { requestIdOf } from '../gateway/request-id';
import type { AppError } from '../errors';
import { previewDownloadLink, provisioningPng, redeemDownloadLink } from '../services/tokens/download-links';
import { previewPage, provisioningPage, sendPage, unusablePage } from './enrollment-page';
import type { RouterFactory } from './types';

type Spending = 'application/json' | 'image/png';

/**
 * GET /download/<code>: a software token's provisioning payload, once (SPEC §1). Only a
 * request that names what it wants spends the link: `Accept: application/json` gets
 * {serial, otpauthUri, qrCode}, `Accept: image/png` the QR code PNG. Anything else — a
 * browser, a mail scanner's `*\/*`, no Accept at all, any HEAD — gets the enrolment page,
 * which names the account and spends nothing; its button POSTs here, which spends the link
 * and shows the QR code and the secret. Errors use the legacy envelope with the catalog's
 * status: a used or expired link is 410 DOWNLOAD_LINK_EXPIRED.
 *
 * Handing out a seed is a security event, so every spending request runs the pipeline's
 * route() and is audited as method "/download" (caller null: the link is the credential),
 * against the token's serial when the code names one; never the code or the payload. As for
 * methods, the audit row is written before the reply goes out.
 */
export const downloadRouter: RouterFactory = ({ dataSource, keys, log, pipeline }): Router => {
  const router = express.Router();

  /** Spends the link and answers the payload: JSON, the PNG, or the page with the QR code and secret. */
  async function redeem(req: Request, res: Response, as: Spending | 'text/html') {
    res.set('cache-control', 'no-store'); // the payload is a seed: no cache may keep it
    try {
      const code = String(req.params.code);
      const { provisioning, png } = await pipeline.route({
        name: '/download', caller: null, correlationId: requestIdOf(res),
        run: async (db, audit) => {
          const found = await redeemDownloadLink(db, keys, code, { onLinkFound: audit.target });
          return { provisioning: found, png: as === 'image/png' ? await provisioningPng(found) : null };
        },
      });
      if (png) return void res.type('image/png').send(png);
      if (as === 'text/html') return void sendPage(res, 200, provisioningPage(provisioning));
      res.json(provisioning);
    } catch (err) {
      const e = err as AppError; // the pipeline exposes every failure as a catalog error
      if (as !== 'text/html') return sendLegacyError(res, e);
      const retryAfter = retryAfterOf(e);
      if (retryAfter) res.setHeader('Retry-After', retryAfter);
      sendPage(res, e.status, unusablePage(pageReasonOf(e.errorName)));
    }
  }

  /** A browser's GET, a link scanner's, and any HEAD only look: nothing is spent. */
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
    const as = spendingMediaType(req);
    return as ? redeem(req, res, as) : preview(req, res);
  });
  // The page's button: the page with the QR code, unless the client asks for JSON by name.
  router.post('/download/:code', (req, res) => redeem(req, res, spendingMediaType(req) === 'application/json' ? 'application/json' : 'text/html'));
  return router;
};

/**
 * What a GET asks for by name that spends the link, or null for the page. A wildcard
 * never counts (`*\/*` and `application/*` are what scanners and generic clients send);
 * when the page is named too, the client's own preference (q, then order) decides.
 */
export function spendingMediaType(req: Request): Spending | null {
  const named = new Set((req.get('accept') ?? '').split(',')
    .map((part) => part.split(';'))
    .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/i.test(p)))
    .map(([type]) => type.trim().toLowerCase()));
  const offered = (['application/json', 'image/png', 'text/html'] as const).filter((type) => named.has(type));
  if (!offered.some((type) => type !== 'text/html')) return null;
  const best = req.accepts([...offered]);
  return best === 'application/json' || best === 'image/png' ? best : null;
}

const pageReasonOf = (name: string) =>
  name === 'DOWNLOAD_LINK_EXPIRED' ? 'used-or-expired' as const
    : name === 'NOT_FOUND' ? 'not-found' as const
      : name === 'TOKEN_CONFINED' || name === 'TOKEN_NOT_DOWNLOADABLE' ? 'confined' as const : 'error' as const;
