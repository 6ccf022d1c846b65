import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The helpdesk console: Preact + TypeScript, built into dist/console and served by the
 * server at /console (src/http/console-route.ts). Everything is bundled: nothing loads from
 * a CDN, and no script is inline, so the server's Content-Security-Policy can forbid both.
 */
export default defineConfig({
  root: here('.'),
  base: '/console/',
  logLevel: 'warn',
  resolve: { alias: { 'tokengate/client': here('../src/client/index.ts') } },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/console'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
