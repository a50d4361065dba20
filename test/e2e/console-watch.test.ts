import { describe, expect, it } from 'vitest';
import { isExpectedRefusal, launchBrowser, RUN_E2E, watchConsole } from './support/browser.js';

// The browser tests' console check must fail on a 5xx or a load that got no answer, and only let the API's 4xx
// refusals through (they are shown on screen). Proved here with a page whose requests a route answers.
describe.runIf(RUN_E2E)('the browser tests’ console watch', () => {
  it('records a 5xx and an unanswered load as errors, and lets a 4xx refusal through', { timeout: 60_000 }, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      await page.route('http://kagiya.test/**', async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>t</title><p>page</p>' });
        if (path === '/refused') return route.fulfill({ status: 401, contentType: 'application/json', body: '{}' });
        if (path === '/broken') return route.fulfill({ status: 500, contentType: 'application/json', body: '{}' });
        return route.abort('connectionrefused');
      });
      await page.goto('http://kagiya.test/');
      await page.evaluate(async () => {
        await fetch('/refused');
        await fetch('/broken');
        await fetch('/gone').catch(() => undefined);
      });
      await expect.poll(() => logs.errors.length).toBeGreaterThanOrEqual(2);
      expect(logs.errors.some((e) => e.includes('500') && e.includes('/broken'))).toBe(true);
      expect(logs.errors.some((e) => e.includes('/gone'))).toBe(true);
      expect(logs.errors.some((e) => e.includes('/refused'))).toBe(false);
    } finally {
      await browser.close();
    }
  });
});

describe('isExpectedRefusal', () => {
  it.each<[string, boolean]>([
    ['Failed to load resource: the server responded with a status of 401 (Unauthorized)', true],
    ['Failed to load resource: the server responded with a status of 404 (Not Found)', true],
    ['Failed to load resource: the server responded with a status of 500 (Internal Server Error)', false],
    ['Failed to load resource: the server responded with a status of 503 (Service Unavailable)', false],
    ['Failed to load resource: net::ERR_CONNECTION_REFUSED', false],
    ['Refused to execute inline script because it violates the following Content Security Policy directive', false],
  ])('%s → %s', (text, expected) => {
    expect(isExpectedRefusal(text)).toBe(expected);
  });
});
