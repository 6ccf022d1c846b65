import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_CSP, createConsoleRouter, findConsoleDir } from '../../../src/http/console-route';
import { listenLocally } from '../../support/listen';

/** The /console static route on its own: where it finds the build, and what it answers without one. */
async function serve(findDir: () => string | null, run: (url: string) => Promise<void>) {
  const app = express().use(createConsoleRouter(findDir));
  const listening = await listenLocally(app);
  try { await run(listening.url); } finally { await listening.close(); }
}

/** A fresh temporary directory, removed after the file's tests. */
const made: string[] = [];
const tempDir = (prefix: string) => { const dir = mkdtempSync(join(tmpdir(), prefix)); made.push(dir); return dir; };
afterAll(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

describe('/console (static files)', () => {
  it('when dist/console is above the given directory then it is found, and not otherwise', () => {
    const root = tempDir('tg-console-');
    mkdirSync(join(root, 'dist', 'console'), { recursive: true });
    writeFileSync(join(root, 'dist', 'console', 'index.html'), '<!doctype html>');
    mkdirSync(join(root, 'dist', 'src', 'http'), { recursive: true });
    expect(findConsoleDir(join(root, 'dist', 'src', 'http'))).toBe(join(root, 'dist', 'console'));
    expect(findConsoleDir(tempDir('tg-no-console-'))).toBeNull();
  });

  it('when the console is not built then 503 says how to build it, still under the policy', () => serve(() => null, async (url) => {
    const res = await fetch(`${url}/console/`);
    expect([res.status, await res.text()]).toEqual([503, 'The console is not built: run `npm run build`.\n']);
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
  }));

  it('when it is built then index.html is re-read on every visit and hashed assets are cached for good', () => {
    const dir = tempDir('tg-console-dist-');
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};');
    return serve(() => dir, async (url) => {
      const page = await fetch(`${url}/console/`);
      expect([page.status, page.headers.get('cache-control'), await page.text()]).toEqual([200, 'no-cache', '<!doctype html><title>console</title>']);
      const asset = await fetch(`${url}/console/assets/index-abc123.js`);
      expect([asset.status, asset.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    });
  });
});
