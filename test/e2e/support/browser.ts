import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DICTIONARY, type Key } from '../../../web/src/i18n/dictionary.js';

// Debian's Chromium, driven by playwright-core (no browser download). In CI (`CI` set, as .ci/run does) it must run:
// a missing Chromium fails the run. Elsewhere the browser tests are skipped only when no Chromium is installed, and
// the run's summary counts them as skipped.
const CANDIDATES = [process.env.KAGIYA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
export const CHROMIUM = CANDIDATES.find((p) => existsSync(p)) ?? null;
export const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
export const RUN_E2E = CHROMIUM !== null || IN_CI;

// The closed network: without these Chromium stalls on lookups it can never complete.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** A label of the console in one language, from the console's own dictionary. */
export const label = (lang: Lang, key: Key) => DICTIONARY[key][lang === 'ja' ? 0 : 1];

export type Browser = Readonly<{ context: BrowserContext; close(): Promise<void> }>;

/** Chromium with a fresh profile folder, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('Chromium not found: install it (apt-get install -y chromium) or set KAGIYA_CHROMIUM');
  const profile = mkdtempSync(join(tmpdir(), 'kagiya-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'e2e');

/** Saves test-artifacts/e2e/<lang>/<nn>-<step>.png (the whole page). */
export async function snap(page: Page, lang: Lang, name: string): Promise<void> {
  const dir = join(ARTIFACTS, lang);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/**
 * Everything a page writes to its console, and its uncaught errors. The tests assert there are no errors (a
 * Content-Security-Policy violation shows up here too) and that no My Number ever appears. A failed load is an error
 * unless the server answered it with a 4xx, the API's expected refusals (401 before sign-in, the errors the tests
 * provoke), which the screens show instead; a 5xx, or a load that got no answer at all, fails the test.
 */
export function watchConsole(page: Page): { messages: string[]; errors: string[] } {
  const seen = { messages: [] as string[], errors: [] as string[] };
  page.on('console', (m) => {
    seen.messages.push(m.text());
    if (m.type() !== 'error') return;
    if (isExpectedRefusal(m.text())) return;
    seen.errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) seen.errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // A navigation away aborts requests still in flight; anything else that got no answer is an error.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') seen.errors.push(`no answer: ${r.method()} ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  return seen;
}

/** Chromium's line for a load the server refused: "Failed to load resource: the server responded with a status of 404 (Not Found)". */
export function isExpectedRefusal(text: string): boolean {
  const status = /^Failed to load resource: the server responded with a status of (\d{3})\b/.exec(text)?.[1];
  return status !== undefined && Number(status) >= 400 && Number(status) < 500;
}
