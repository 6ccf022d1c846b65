import express, { Request, Response, Router } from 'express';
import { exposeError } from '../gateway/error-out';
import type { AppError } from '../errors';
import { provisioningPng, redeemDownloadLink } from '../services/tokens/download-links';
import type { RouterFactory } from './types';

/**
 * GET /download/<code>: a software token's provisioning payload, once
 * ({serial, otpauthUri, qrCode} as JSON, or the QR code PNG for Accept: image/png).
 * Errors use the legacy envelope {error, message, name, data} with the catalog's status:
 * a used or expired link is 410 DOWNLOAD_LINK_EXPIRED.
 */
export const downloadRouter: RouterFactory = ({ dataSource, keys, log }): Router => {
  const router = express.Router();
  router.get('/download/:code', async (req: Request, res: Response) => {
    res.set('cache-control', 'no-store'); // the payload is a seed: no cache may keep it
    try {
      const code = String(req.params.code);
      const provisioning = await dataSource.transaction((db) => redeemDownloadLink(db, keys, code));
      if (req.accepts(['application/json', 'image/png']) === 'image/png') {
        return void res.type('image/png').send(await provisioningPng(provisioning));
      }
      res.json(provisioning);
    } catch (err) {
      const e: AppError = exposeError(err, log, { route: 'GET /download' });
      res.status(e.status).json({ error: e.code, message: e.message, name: e.errorName, data: e.data ?? {} });
    }
  });
  return router;
};
