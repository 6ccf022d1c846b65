import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RouterFactory } from './types';

/**
 * /console: the helpdesk single-page app, built by `npm run build` (vite, console/) into
 * dist/console. Static files only; it talks to the server through POST /rpc like any client.
 * The policy allows scripts and styles from this origin alone: no inline script, no CDN.
 */
export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "form-action 'none'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

/** dist/console above this file: from src/http (ts-jest) or dist/src/http (compiled). */
export function findConsoleDir(from: string = __dirname): string | null {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'dist', 'console', 'index.html'))) return join(dir, 'dist', 'console');
  }
  return null;
}

export const consoleRouter: RouterFactory = () => createConsoleRouter(findConsoleDir);

/** `findDir` answers the built console's directory, or null when it is not built (503). */
export function createConsoleRouter(findDir: () => string | null): Router {
  const router = express.Router();
  let serve: express.Handler | null = null;
  router.use('/console', (req, res, next) => {
    res.set({ 'content-security-policy': CONSOLE_CSP, 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
    if (!serve) {
      // looked up on first use, so a build made after start-up is found
      const dir = findDir();
      if (!dir) return void res.status(503).type('text').send('The console is not built: run `npm run build`.\n');
      serve = express.static(dir, {
        index: 'index.html',
        // hashed file names under assets/ never change; index.html must be re-read to find new ones
        setHeaders: (r, path) => r.set('cache-control', path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache'),
      });
    }
    serve(req, res, next);
  });
  return router;
}
