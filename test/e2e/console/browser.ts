import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core: nothing downloads a browser. Without
 * /usr/bin/chromium the browser tests skip loudly on a workstation, and FAIL under CI=true
 * (.ci/run installs the package), so a CI machine cannot pass them by not running them.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const IN_CI = process.env.CI === 'true';
export const ROOT = join(__dirname, '../../..');

/**
 * Screenshots go to docs/console when SCREENSHOTS=docs (to refresh docs/console.md), else to a
 * temporary directory (printed once) to look at. Phone-width shots are always taken; only a
 * few go into the docs, to keep the repository small.
 */
const TMP_SHOTS = mkdtempSync(join(tmpdir(), 'tokengate-shots-'));
export const SHOT_DIR = process.env.SCREENSHOTS === 'docs' ? join(ROOT, 'docs', 'console') : TMP_SHOTS;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Builds the console from its current source (vite, ~1 s), so the test never runs a stale bundle. */
export function buildConsole(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'console', 'vite.config.mjs')],
    { cwd: ROOT, stdio: 'pipe' });
}

export interface Browser { context: BrowserContext; close(): Promise<void> }

/** One Chromium for the whole file, with a fresh profile directory removed afterwards. */
export async function launchChromium(): Promise<Browser> {
  if (!HAVE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (the browser tests cannot run without it)`);
  const profile = mkdtempSync(join(tmpdir(), 'tokengate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, close: async () => {
    await context.close();
    for (const dir of [profile, TMP_SHOTS]) rmSync(dir, { recursive: true, force: true });
  } };
}

/**
 * A new tab (its own sessionStorage) that records what must never happen: a blocked
 * Content-Security-Policy load, an uncaught error, a request to another origin.
 */
export async function newTab(browser: Browser, origin: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  await page.setViewportSize(DESKTOP);
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`foreign request: ${r.url()}`); });
  return { page, problems };
}

/** Inputs and selects without an accessible name (a <label>, aria-label or aria-labelledby). */
export function unlabelledInputs(page: Page): Promise<string[]> {
  // a string, so this file type-checks without the DOM library; it runs in the page
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
    .map((el) => el.outerHTML.slice(0, 120))`);
}

/** A screenshot at desktop width and at phone width, with the viewport put back afterwards. */
export async function screenshots(page: Page, name: string, opts: { phoneInDocs?: boolean } = {}): Promise<void> {
  mkdirSync(SHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOT_DIR, `${name}.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(opts.phoneInDocs ? SHOT_DIR : TMP_SHOTS, `${name}-phone.png`) });
  // reads well at phone width: nothing wider than the screen (wide tables scroll inside their own box)
  const width = await page.evaluate('document.documentElement.scrollWidth');
  if (width !== PHONE.width) throw new Error(`${name}: the page is ${width}px wide at phone width ${PHONE.width}px`);
  await page.setViewportSize(DESKTOP);
}
